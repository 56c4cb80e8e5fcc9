/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* Each verb parses its own options (argv[0] is the verb's name) and returns
 * the process exit status. */
int verb_validate(int argc, char *argv[]);
/* coreos-cloudinit's `-validate -from-file=F` form. */
int verb_validate_compat(int argc, char *argv[]);
int verb_metadata(int argc, char *argv[]);
int verb_apply(int argc, char *argv[]);
int verb_discovery(int argc, char *argv[]);
int verb_status(int argc, char *argv[]);
int verb_analyze(int argc, char *argv[]);
int verb_schema(int argc, char *argv[]);
