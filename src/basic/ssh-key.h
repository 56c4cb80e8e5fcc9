/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "basic/macro.h"

/* Whether line is exactly one authorized_keys(5) key line, as OpenSSH reads
 * one (auth2-pubkeyfile.c check_authkey_line(), sshkey.c
 * sshkey_advance_past_options() and sshkey_read()): optional options, a key
 * type OpenSSH knows, a base64 blob that decodes and names that same type,
 * an optional comment. No control character other than tab anywhere, so an
 * entry can never become two lines of the file. 0; -EBADMSG when the line
 * holds a control character (it would not stay one line); -EINVAL when it
 * is one line but no key sshd would read; either with a static reason in
 * *ret_reason ("has no known key type ..."); -ENOMEM. */
int ssh_key_line_check(const char *line, const char **ret_reason);
