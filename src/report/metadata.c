/* SPDX-License-Identifier: Apache-2.0 */
#include <json.h>

#include "basic/strv.h"
#include "report/metadata.h"

static json_object *string_or_null(const char *s) {
        return s ? json_object_new_string(s) : NULL;
}

static void json_putp(json_object **j) {
        if (*j)
                json_object_put(*j);
}

int metadata_report_json(const MetadataReport *r, FILE *f) {
        _cleanup_(json_putp) json_object *o = json_object_new_object();
        const Metadata *m = r->metadata;
        static const Metadata empty = {};

        if (!o)
                return -ENOMEM;
        if (!m)
                m = &empty;

        /* json_object_object_add() takes ownership, NULL means JSON null. */
        json_object_object_add(o, "source", string_or_null(r->source));
        json_object_object_add(o, "where", string_or_null(r->where));
        json_object_object_add(o, "hostname", string_or_null(m->hostname));
        json_object_object_add(o, "instance_id", string_or_null(m->instance_id));
        json_object_object_add(o, "private_ipv4", string_or_null(m->private_ipv4));
        json_object_object_add(o, "public_ipv4", string_or_null(m->public_ipv4));
        json_object_object_add(o, "private_ipv6", string_or_null(m->private_ipv6));
        json_object_object_add(o, "public_ipv6", string_or_null(m->public_ipv6));

        json_object *keys = json_object_new_object();
        json_object *names = json_object_new_array();
        if (!keys || !names) {
                json_object_put(keys);
                json_object_put(names);
                return -ENOMEM;
        }
        size_t n = strv_length(m->ssh_public_keys);
        for (size_t i = 0; i < n; i++) {
                const char *name = i < strv_length(m->ssh_key_names) ? m->ssh_key_names[i] : NULL;
                json_object_array_add(names, string_or_null(isempty(name) ? NULL : name));
        }
        json_object_object_add(keys, "count", json_object_new_int64((int64_t) n));
        json_object_object_add(keys, "names", names);
        json_object_object_add(o, "ssh_keys", keys);

        json_object *ud = json_object_new_object();
        if (!ud)
                return -ENOMEM;
        json_object_object_add(ud, "present", json_object_new_boolean(r->have_user_data));
        json_object_object_add(ud, "type", string_or_null(r->have_user_data ? r->user_data_type : NULL));
        json_object_object_add(ud, "size", json_object_new_int64((int64_t) r->user_data_size));
        json_object_object_add(o, "user_data", ud);

        json_object_object_add(o, "network_config_size", json_object_new_int64((int64_t) m->network_config_size));

        json_object *req = json_object_new_object();
        if (!req)
                return -ENOMEM;
        json_object_object_add(req, "total", json_object_new_int64(r->requests));
        json_object_object_add(req, "token", json_object_new_int64(r->token_requests));
        json_object_object_add(req, "connections", json_object_new_int64(r->connections));
        json_object_object_add(req, "retries", json_object_new_int64(r->retries));
        json_object_object_add(o, "requests", req);

        const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                                                       JSON_C_TO_STRING_NOSLASHESCAPE);
        if (!s)
                return -ENOMEM;
        if (fputs(s, f) < 0 || fputc('\n', f) < 0)
                return -EIO;
        return 0;
}
