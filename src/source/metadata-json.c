/* SPDX-License-Identifier: Apache-2.0 */
#include <inttypes.h>

#include <json.h>

#include "basic/json-util.h"
#include "source/source-internal.h"

/* Pure parsers of the JSON metadata documents (config drive, DigitalOcean,
 * Packet). Values are shape-checked like EC2's; a wrong shape is an error,
 * an absent field is just absent. */

static int json_parse_doc(const char *text, json_object **ret, char **reterr) {
        enum json_tokener_error jerr;
        json_object *j = json_tokener_parse_verbose(text, &jerr);

        if (!j) {
                if (reterr)
                        *reterr = strdup(json_tokener_error_desc(jerr));
                return -EBADMSG;
        }
        if (!json_object_is_type(j, json_type_object)) {
                json_object_put(j);
                if (reterr)
                        *reterr = strdup("not a JSON object");
                return -EBADMSG;
        }
        *ret = j;
        return 0;
}

static const char *json_get_string(json_object *o, const char *key) {
        json_object *v;

        if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
                return NULL;
        return json_object_get_string(v);
}

static json_object *json_get(json_object *o, const char *key, json_type t) {
        json_object *v;

        if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, t))
                return NULL;
        return v;
}

static json_object *json_get_index(json_object *a, size_t i, json_type t) {
        if (!a || i >= json_object_array_length(a))
                return NULL;
        json_object *v = json_object_array_get_idx(a, i);
        return v && json_object_is_type(v, t) ? v : NULL;
}

static int set_field(char **field, const char *value, bool (*check)(const char *s), const char *what, char **reterr) {
        if (!value)
                return 0;
        int r = metadata_set_checked(field, value, check);
        if (r == -EBADMSG && reterr && asprintf(reterr, "%s: unexpected value \"%.64s\"", what, value) < 0)
                *reterr = NULL;
        return r;
}

static bool check_id(const char *s) {
        return metadata_is_word(s, 128);
}

static int add_key_checked(Metadata *m, const char *name, const char *key, char **reterr) {
        _cleanup_free_ char *k = strdup(key);
        if (!k)
                return -ENOMEM;
        metadata_first_line(k);
        if (!metadata_is_line(k)) {
                if (reterr && asprintf(reterr, "SSH key \"%.32s\" is not one line of text", strempty(name)) < 0)
                        *reterr = NULL;
                return -EBADMSG;
        }
        return metadata_add_key(m, name, k);
}

/* A JSON array of key strings, each named by its index as coreos-cloudinit
 * does; entries that are not strings are skipped. keys may be NULL. */
static int add_key_array(Metadata *m, json_object *keys, char **reterr) {
        for (size_t i = 0; keys && i < json_object_array_length(keys); i++) {
                json_object *k = json_get_index(keys, i, json_type_string);
                char name[24];
                if (!k)
                        continue;
                snprintf(name, sizeof name, "%zu", i);
                int r = add_key_checked(m, name, json_object_get_string(k), reterr);
                if (r < 0)
                        return r;
        }
        return 0;
}

int configdrive_parse_meta_data(const char *json, Metadata *ret, char **ret_content_path, char **reterr) {
        _cleanup_(json_object_putp) json_object *j = NULL;
        _cleanup_(metadata_done) Metadata m = {};
        int r;

        r = json_parse_doc(json, &j, reterr);
        if (r < 0)
                return r;

        r = set_field(&m.hostname, json_get_string(j, "hostname"), metadata_is_hostname, "hostname", reterr);
        if (r < 0)
                return r;
        r = set_field(&m.instance_id, json_get_string(j, "uuid"), check_id, "uuid", reterr);
        if (r < 0)
                return r;

        /* network_config.content_path ("/content/0000"), relative to openstack/:
         * the caller reads it. Only plain relative names, never "..". */
        const char *cp = json_get_string(json_get(j, "network_config", json_type_object), "content_path");
        if (cp) {
                const char *rel = cp + strspn(cp, "/");
                if (!metadata_is_word(rel, 255) || strstr(rel, "..")) {
                        if (reterr && asprintf(reterr, "network_config.content_path \"%.64s\" is not a plain path", cp) < 0)
                                *reterr = NULL;
                        return -EBADMSG;
                }
                if (ret_content_path) {
                        *ret_content_path = strdup(rel);
                        if (!*ret_content_path)
                                return -ENOMEM;
                }
        }

        /* public_keys: {"name": "ssh-rsa ..."} */
        json_object *keys = json_get(j, "public_keys", json_type_object);
        if (keys) {
                json_object_object_foreach(keys, name, val) {
                        if (!json_object_is_type(val, json_type_string))
                                continue;
                        r = add_key_checked(&m, name, json_object_get_string(val), reterr);
                        if (r < 0)
                                return r;
                }
        }

        *ret = m;
        m = (Metadata) {};
        return 0;
}

static int digitalocean_iface(json_object *ifaces, const char *which, char **v4, char **v6, char **reterr) {
        json_object *a = json_get(ifaces, which, json_type_array);
        json_object *first = json_get_index(a, 0, json_type_object);
        int r;

        if (!first)
                return 0;
        r = set_field(v4, json_get_string(json_get(first, "ipv4", json_type_object), "ip_address"),
                      metadata_is_ipv4, "ipv4.ip_address", reterr);
        if (r < 0)
                return r;
        return set_field(v6, json_get_string(json_get(first, "ipv6", json_type_object), "ip_address"),
                         metadata_is_ipv6, "ipv6.ip_address", reterr);
}

int digitalocean_parse_metadata(const char *json, Metadata *ret, char **reterr) {
        _cleanup_(json_object_putp) json_object *j = NULL;
        _cleanup_(metadata_done) Metadata m = {};
        int r;

        r = json_parse_doc(json, &j, reterr);
        if (r < 0)
                return r;

        r = set_field(&m.hostname, json_get_string(j, "hostname"), metadata_is_hostname, "hostname", reterr);
        if (r < 0)
                return r;
        json_object *id = json_get(j, "droplet_id", json_type_int);
        if (id) {
                char buf[32];
                snprintf(buf, sizeof buf, "%" PRId64, json_object_get_int64(id));
                r = set_field(&m.instance_id, buf, check_id, "droplet_id", reterr);
                if (r < 0)
                        return r;
        }

        json_object *ifaces = json_get(j, "interfaces", json_type_object);
        r = digitalocean_iface(ifaces, "public", &m.public_ipv4, &m.public_ipv6, reterr);
        if (r < 0)
                return r;
        r = digitalocean_iface(ifaces, "private", &m.private_ipv4, &m.private_ipv6, reterr);
        if (r < 0)
                return r;

        /* public_keys: ["ssh-rsa ...", ...] */
        r = add_key_array(&m, json_get(j, "public_keys", json_type_array), reterr);
        if (r < 0)
                return r;

        m.network_config = strdup(json);
        if (!m.network_config)
                return -ENOMEM;
        m.network_config_size = strlen(json);

        *ret = m;
        m = (Metadata) {};
        return 0;
}

int packet_parse_metadata(const char *json, Metadata *ret, char **reterr) {
        _cleanup_(json_object_putp) json_object *j = NULL;
        _cleanup_(metadata_done) Metadata m = {};
        int r;

        r = json_parse_doc(json, &j, reterr);
        if (r < 0)
                return r;

        r = set_field(&m.hostname, json_get_string(j, "hostname"), metadata_is_hostname, "hostname", reterr);
        if (r < 0)
                return r;
        r = set_field(&m.instance_id, json_get_string(j, "id"), check_id, "id", reterr);
        if (r < 0)
                return r;

        r = add_key_array(&m, json_get(j, "ssh_keys", json_type_array), reterr);
        if (r < 0)
                return r;

        json_object *network = json_get(j, "network", json_type_object);
        json_object *addrs = json_get(network, "addresses", json_type_array);
        for (size_t i = 0; addrs && i < json_object_array_length(addrs); i++) {
                json_object *a = json_get_index(addrs, i, json_type_object);
                json_object *fam = json_get(a, "address_family", json_type_int);
                json_object *pub = json_get(a, "public", json_type_boolean);
                const char *addr = json_get_string(a, "address");
                char **field;

                if (!a || !addr)
                        continue;
                /* coreos-cloudinit's mapping: v4 public/private; any other family is public v6. */
                if (fam && json_object_get_int(fam) == 4)
                        field = pub && json_object_get_boolean(pub) ? &m.public_ipv4 : &m.private_ipv4;
                else
                        field = &m.public_ipv6;
                if (*field)
                        continue; /* the first of each kind wins */
                r = set_field(field, addr, field == &m.public_ipv6 ? metadata_is_ipv6 : metadata_is_ipv4,
                              "network.addresses[].address", reterr);
                if (r < 0)
                        return r;
        }

        if (network) {
                const char *s = json_object_to_json_string_ext(network, JSON_C_TO_STRING_PLAIN);
                m.network_config = strdup(s);
                if (!m.network_config)
                        return -ENOMEM;
                m.network_config_size = strlen(s);
        }

        *ret = m;
        m = (Metadata) {};
        return 0;
}
