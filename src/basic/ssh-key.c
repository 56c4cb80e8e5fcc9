/* SPDX-License-Identifier: Apache-2.0 */
#include <stdint.h>

#include "basic/base64.h"
#include "basic/ssh-key.h"

/* sshkey.c's keytypes[] that authorized_keys can name (the plain and
 * certificate forms; OpenSSH 8.2+ for the sk- ones). */
static const char * const key_types[] = {
        "ssh-rsa",
        "ssh-dss",
        "ssh-ed25519",
        "ecdsa-sha2-nistp256",
        "ecdsa-sha2-nistp384",
        "ecdsa-sha2-nistp521",
        "sk-ssh-ed25519@openssh.com",
        "sk-ecdsa-sha2-nistp256@openssh.com",
        "ssh-rsa-cert-v01@openssh.com",
        "ssh-dss-cert-v01@openssh.com",
        "ssh-ed25519-cert-v01@openssh.com",
        "ecdsa-sha2-nistp256-cert-v01@openssh.com",
        "ecdsa-sha2-nistp384-cert-v01@openssh.com",
        "ecdsa-sha2-nistp521-cert-v01@openssh.com",
        "sk-ssh-ed25519-cert-v01@openssh.com",
        "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com",
};

static const char *known_type(const char *s, size_t n) {
        for (size_t i = 0; i < ELEMENTSOF(key_types); i++)
                if (strlen(key_types[i]) == n && memcmp(key_types[i], s, n) == 0)
                        return key_types[i];
        return NULL;
}

static const char *skip_blanks(const char *p) {
        return p + strspn(p, " \t");
}

/* sshkey_read(): type, blanks, blob; the comment is free text. 1 when the
 * line at p starts with a known type, 0 when it does not (options may
 * precede it), -EINVAL with a reason when the key after the type is bad. */
static int read_key(const char *p, const char **ret_reason) {
        size_t n = strcspn(p, " \t");
        const char *type = known_type(p, n);
        if (!type)
                return 0;

        p = skip_blanks(p + n);
        n = strcspn(p, " \t");
        if (n == 0) {
                *ret_reason = "has no key after the key type";
                return -EINVAL;
        }

        _cleanup_free_ char *blob = NULL;
        size_t len;
        int r = base64_decode(p, n, &blob, &len);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                *ret_reason = "has a key that is not base64";
                return -EINVAL;
        }

        /* the blob starts with its type as an SSH string (RFC 4253 §6.6);
         * sshkey_read() refuses a blob of another type than the one named */
        size_t tl = strlen(type);
        const uint8_t *b = (const uint8_t *) blob;
        if (len < 4 || ((uint32_t) b[0] << 24 | (uint32_t) b[1] << 16 | (uint32_t) b[2] << 8 | b[3]) != tl ||
            len - 4 < tl || memcmp(blob + 4, type, tl) != 0) {
                *ret_reason = "has a key blob that is not of the key type named before it";
                return -EINVAL;
        }
        return 1;
}

int ssh_key_line_check(const char *line, const char **ret_reason) {
        int r;

        for (const char *p = line; *p; p++)
                if (((unsigned char) *p < 0x20 && *p != '\t') || *p == 0x7f) {
                        *ret_reason = "contains a control character (an entry is one line of authorized_keys)";
                        return -EBADMSG;
                }

        const char *p = skip_blanks(line);
        if (*p == 0 || *p == '#') {
                *ret_reason = "is empty or a comment, not a key";
                return -EINVAL;
        }

        r = read_key(p, ret_reason);
        if (r != 0)
                return r < 0 ? r : 0;

        /* not a key: options first (sshkey_advance_past_options()) */
        bool quoted = false;
        for (; *p && (quoted || (*p != ' ' && *p != '\t')); p++) {
                if (*p == '\\' && p[1] == '"')
                        p++;
                else if (*p == '"')
                        quoted = !quoted;
        }
        if (quoted) {
                *ret_reason = "has an unterminated quote in its options";
                return -EINVAL;
        }

        r = read_key(skip_blanks(p), ret_reason);
        if (r < 0)
                return r;
        if (r == 0) {
                *ret_reason = "has no known key type (ssh-ed25519, ssh-rsa, ecdsa-sha2-nistp256, ...)";
                return -EINVAL;
        }
        return 0;
}
