/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* The one spelling of an absolute path: "//" and "/./" collapse, a trailing
 * "/" or "/." goes ("/etc//./x/" → "/etc/x"). Purely lexical. -EINVAL for a
 * relative path or one with a ".." component (what ".." means depends on
 * symlinks, which a plan does not resolve). */
int path_normalize(const char *path, char **ret);
