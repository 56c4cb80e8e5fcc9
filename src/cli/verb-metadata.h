/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* nodeinit metadata [OPTIONS] [SOURCE...]: fetch metadata and user-data and
 * print what was found as JSON. argv[0] is "metadata". Returns the process
 * exit status: 0, 1 (nothing could be fetched), 2 (usage). */
int verb_metadata(int argc, char *argv[]);
