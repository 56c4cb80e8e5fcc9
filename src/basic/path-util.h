/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* The one spelling of an absolute path: "//" and "/./" collapse, a trailing
 * "/" or "/." goes ("/etc//./x/" → "/etc/x"). Purely lexical. -EINVAL for a
 * relative path or one with a ".." component (what ".." means depends on
 * symlinks, which a plan does not resolve). */
int path_normalize(const char *path, char **ret);

/* The first executable "DIR/name" for DIR in search (a ':'-separated list,
 * as $PATH; empty entries are skipped). -ENOENT when there is none. Looked
 * up before spawning, so "not installed" never depends on how a failed exec
 * in the child is reported. */
int find_executable(const char *name, const char *search, char **ret);
