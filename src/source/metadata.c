/* SPDX-License-Identifier: Apache-2.0 */
#include <arpa/inet.h>
#include <ctype.h>

#include "basic/strv.h"
#include "source/source-internal.h"

void metadata_done(Metadata *m) {
        if (!m)
                return;
        free(m->public_ipv4);
        free(m->private_ipv4);
        free(m->public_ipv6);
        free(m->private_ipv6);
        free(m->hostname);
        free(m->instance_id);
        strv_free(m->ssh_key_names);
        strv_free(m->ssh_public_keys);
        free(m->network_config);
        strv_free(m->network_keys);
        *m = (Metadata) {};
}

bool metadata_is_ipv4(const char *s) {
        struct in_addr a;

        return s && inet_pton(AF_INET, s, &a) == 1;
}

bool metadata_is_ipv6(const char *s) {
        struct in6_addr a;

        return s && inet_pton(AF_INET6, s, &a) == 1;
}

bool metadata_is_hostname(const char *s) {
        size_t n = 0;

        if (isempty(s))
                return false;
        /* A DNS name: labels of letters, digits, '-' and '_' (seen in the
         * wild), separated by dots; no spaces or control characters. */
        for (const char *p = s; *p; p++, n++) {
                unsigned char ch = (unsigned char) *p;
                if (!(isalnum(ch) || ch == '-' || ch == '.' || ch == '_'))
                        return false;
        }
        return n <= 253 && s[0] != '.' && s[0] != '-';
}

bool metadata_is_word(const char *s, size_t max) {
        size_t n = 0;

        if (isempty(s))
                return false;
        for (const char *p = s; *p; p++, n++)
                if ((unsigned char) *p <= ' ' || (unsigned char) *p >= 0x7f)
                        return false;
        return n <= max;
}

bool metadata_is_line(const char *s) {
        if (isempty(s))
                return false;
        for (const char *p = s; *p; p++)
                if ((unsigned char) *p < ' ' && *p != '\t')
                        return false;
        return true;
}

char *metadata_first_line(char *s) {
        s[strcspn(s, "\r\n")] = 0;
        size_t n = strlen(s);
        while (n > 0 && isspace((unsigned char) s[n - 1]))
                s[--n] = 0;
        return s;
}

int metadata_add_key(Metadata *m, const char *name, const char *key) {
        size_t n = strv_length(m->ssh_public_keys);
        int r;

        /* Keep the two arrays parallel even when earlier names were absent. */
        while (strv_length(m->ssh_key_names) < n) {
                r = strv_extend(&m->ssh_key_names, "");
                if (r < 0)
                        return r;
        }
        r = strv_extend(&m->ssh_public_keys, key);
        if (r < 0)
                return r;
        return strv_extend(&m->ssh_key_names, strempty(name));
}

int metadata_set_checked(char **field, const char *value, bool (*check)(const char *s)) {
        if (check && !check(value))
                return -EBADMSG;
        char *c = strdup(value);
        if (!c)
                return -ENOMEM;
        free(*field);
        *field = c;
        return 0;
}
