/* SPDX-License-Identifier: Apache-2.0 */
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
