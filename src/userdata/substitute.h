/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "basic/macro.h"
#include "basic/diag.h"
#include "source/metadata.h"

/* The $variables that user-data may use: coreos-cloudinit's four addresses
 * plus $hostname and $instance_id. */
typedef enum SubstituteToken {
        SUBSTITUTE_PUBLIC_IPV4,
        SUBSTITUTE_PRIVATE_IPV4,
        SUBSTITUTE_PUBLIC_IPV6,
        SUBSTITUTE_PRIVATE_IPV6,
        SUBSTITUTE_HOSTNAME,
        SUBSTITUTE_INSTANCE_ID,
        _SUBSTITUTE_TOKEN_MAX,
        _SUBSTITUTE_TOKEN_INVALID = -EINVAL,
} SubstituteToken;

/* The variable's name without '$': "public_ipv4", ..., "instance_id". */
const char *substitute_token_to_string(SubstituteToken t) _const_;
SubstituteToken substitute_token_from_string(const char *s) _pure_;
/* "COREOS_PUBLIC_IPV4" etc.; NULL for $hostname and $instance_id. */
const char *substitute_token_env(SubstituteToken t) _const_;

typedef struct SubstituteValues {
        char *values[_SUBSTITUTE_TOKEN_MAX]; /* by SubstituteToken; NULL = no value */
        /* why a value that was given was not taken (static text), when
         * values[] is NULL because of it */
        const char *refused[_SUBSTITUTE_TOKEN_MAX];
} SubstituteValues;

/* Why value cannot stand for token t (static text, "is not an IPv4
 * address"), or NULL when it has the shape of what it is: an IPv4 or IPv6
 * address (inet_pton; an IPv6 one may not begin or end with ':', which YAML
 * could read as syntax), a host name (RFC 1123 labels), an instance id
 * ("i-" and hex, or letters, digits, '.', '_' and '-' for other clouds).
 * Nothing that passes can change the structure of the YAML it is put in:
 * no blank, quote, '#', ',', bracket or brace, no leading indicator, no
 * trailing ':'. */
const char *substitute_value_problem(SubstituteToken t, const char *value);

/* Values as coreos-cloudinit picks them: the metadata's (md may be NULL),
 * else the COREOS_* environment variable; an empty string counts as absent.
 * Metadata addresses are printed the way Go's net.IP does (IPv6 compressed,
 * lowercase; IPv4-mapped as dotted quad). A value that fails
 * substitute_value_problem() is not taken: values[t] stays NULL and
 * refused[t] says why, so that it reaches neither the user-data nor any
 * file written from these values. */
int substitute_values_from_metadata(const Metadata *md, SubstituteValues *ret);
void substitute_values_done(SubstituteValues *v);

typedef enum SubstituteFlags {
        /* in[] is a cloud-config: a token in a YAML comment is replaced
         * like any other but draws no warning */
        SUBSTITUTE_YAML = 1 << 0,
} SubstituteFlags;

/* Replaces every $token in in[0..len) with its value; pure (reads no
 * environment). No word boundary: "$public_ipv4x" is "<value>x". A '\'
 * right before a token makes it literal and is dropped ("\$private_ipv4" →
 * "$private_ipv4", "\\$private_ipv4" → "\$private_ipv4"). A token without a
 * value, or whose value fails substitute_value_problem() (checked here too,
 * whoever filled v), becomes "" (as in coreos-cloudinit for a missing one)
 * plus a DIAG_WARNING at its 1-based line and column (characters, the '$')
 * saying why, when diags is not NULL (with SUBSTITUTE_YAML, not for one in
 * a comment). The output is NUL-terminated. */
int userdata_substitute(const char *in, size_t len, const SubstituteValues *v, SubstituteFlags flags,
                        char **ret, size_t *ret_len, DiagList *diags);
