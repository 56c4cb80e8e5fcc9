/* SPDX-License-Identifier: Apache-2.0 */
#include "basic/escape.h"
#include "basic/json-writer.h"
#include "basic/strv.h"
#include "report/metadata.h"

/* Metadata values come from the network: the writer escapes every one
 * (basic/escape.h), so a hostname with ESC or BEL reaches the terminal as
 * \u001b, never as the byte. */
int metadata_report_json(const MetadataReport *r, FILE *f) {
        _cleanup_(json_writer_done) JsonWriter w = { .f = f };
        static const Metadata empty = {};
        const Metadata *m = r->metadata ?: &empty;

        json_writer_object_begin(&w, NULL);
        json_writer_string(&w, "source", r->source);
        json_writer_string(&w, "where", r->where);
        json_writer_string(&w, "hostname", m->hostname);
        json_writer_string(&w, "instance_id", m->instance_id);
        json_writer_string(&w, "private_ipv4", m->private_ipv4);
        json_writer_string(&w, "public_ipv4", m->public_ipv4);
        json_writer_string(&w, "private_ipv6", m->private_ipv6);
        json_writer_string(&w, "public_ipv6", m->public_ipv6);

        size_t n = strv_length(m->ssh_public_keys), n_names = strv_length(m->ssh_key_names);
        json_writer_object_begin(&w, "ssh_keys");
        json_writer_int(&w, "count", (int64_t) n);
        json_writer_array_begin(&w, "names");
        for (size_t i = 0; i < n; i++) {
                const char *name = i < n_names ? m->ssh_key_names[i] : NULL;
                json_writer_string(&w, NULL, isempty(name) ? NULL : name);
        }
        json_writer_array_end(&w);
        json_writer_object_end(&w);

        json_writer_object_begin(&w, "user_data");
        json_writer_bool(&w, "present", r->have_user_data);
        json_writer_string(&w, "type", r->have_user_data ? r->user_data_type : NULL);
        json_writer_int(&w, "size", (int64_t) r->user_data_size);
        json_writer_object_end(&w);

        json_writer_int(&w, "network_config_size", (int64_t) m->network_config_size);

        /* VMware's network keys, as a converter will read them; null for
         * sources without them. Addresses, not secrets. */
        if (m->network_keys) {
                json_writer_object_begin(&w, "network_keys");
                for (char **k = m->network_keys; k[0] && k[1]; k += 2)
                        json_writer_string(&w, k[0], k[1]);
                json_writer_object_end(&w);
        } else
                json_writer_string(&w, "network_keys", NULL);

        json_writer_object_begin(&w, "requests");
        json_writer_int(&w, "total", r->requests);
        json_writer_int(&w, "token", r->token_requests);
        json_writer_int(&w, "connections", r->connections);
        json_writer_int(&w, "retries", r->retries);
        json_writer_object_end(&w);

        json_writer_object_end(&w);
        return json_writer_finish(&w);
}

/* One "name: value" line, escaped; absent values are left out. */
static int text_line(FILE *f, const char *name, const char *value) {
        if (!value)
                return 0;
        return escape_fprintf(f, "%-14s %s\n", name, value);
}

int metadata_report_text(const MetadataReport *r, FILE *f) {
        static const Metadata empty = {};
        const Metadata *m = r->metadata ?: &empty;
        int r1 = 0;

        r1 = r1 ?: text_line(f, "source:", r->source);
        r1 = r1 ?: text_line(f, "where:", r->where);
        r1 = r1 ?: text_line(f, "hostname:", m->hostname);
        r1 = r1 ?: text_line(f, "instance id:", m->instance_id);
        r1 = r1 ?: text_line(f, "private ipv4:", m->private_ipv4);
        r1 = r1 ?: text_line(f, "public ipv4:", m->public_ipv4);
        r1 = r1 ?: text_line(f, "private ipv6:", m->private_ipv6);
        r1 = r1 ?: text_line(f, "public ipv6:", m->public_ipv6);

        /* Key names only: the key material is not shown. */
        size_t n = strv_length(m->ssh_public_keys), n_names = strv_length(m->ssh_key_names);
        r1 = r1 ?: escape_fprintf(f, "%-14s %zu\n", "ssh keys:", n);
        for (size_t i = 0; i < n && i < n_names && !r1; i++)
                if (!isempty(m->ssh_key_names[i]))
                        r1 = escape_fprintf(f, "  %s\n", m->ssh_key_names[i]);

        if (r->have_user_data)
                r1 = r1 ?: escape_fprintf(f, "%-14s %s, %zu bytes\n", "user-data:", strna(r->user_data_type),
                                          r->user_data_size);
        else
                r1 = r1 ?: escape_fprintf(f, "%-14s none\n", "user-data:");
        if (m->network_config_size > 0)
                r1 = r1 ?: escape_fprintf(f, "%-14s %zu bytes\n", "network config:", m->network_config_size);
        if (m->network_keys) {
                r1 = r1 ?: escape_fprintf(f, "%-14s %zu\n", "network keys:", strv_length(m->network_keys) / 2);
                for (char **k = m->network_keys; k[0] && k[1] && !r1; k += 2)
                        r1 = escape_fprintf(f, "  %s=%s\n", k[0], k[1]);
        }
        r1 = r1 ?: escape_fprintf(f, "%-14s %u (token %u, connections %u, retries %u)\n", "requests:", r->requests,
                                  r->token_requests, r->connections, r->retries);
        return r1;
}
