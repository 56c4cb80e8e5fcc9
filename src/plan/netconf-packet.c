/* SPDX-License-Identifier: Apache-2.0 */
#include "basic/json-util.h"
#include "basic/strformat.h"
#include "basic/strv.h"
#include "plan/netconf.h"

/* -convert-netconf=packet: the metadata's "network" object, as
 * coreos-cloudinit's network/packet.go turned it into units: every NIC a
 * slave of bond0 (802.3ad), bond0 carries every address with a route per
 * address (private: 10.0.0.0/8, public: the default route of its family),
 * DNS from "dns", else Google's. Where it wrote "<nil>" (a missing address)
 * or panicked (no interfaces), this is an error naming the field. */

static json_object *get(json_object *o, const char *key, json_type type) {
        json_object *v = NULL;

        if (!o || !json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, key, &v))
                return NULL;
        return json_object_is_type(v, type) ? v : NULL;
}

/* A net.IP field of the Go struct: absent, null or not an address is an error here. */
static int get_ip(json_object *o, const char *key, size_t idx, uint8_t ret[16], bool *ret_v4, char **reterr) {
        json_object *v = get(o, key, json_type_string);

        if (!v || netconf_parse_ip(json_object_get_string(v), ret, ret_v4) < 0)
                return reterr_printf(reterr, -EBADMSG, "network.addresses[%zu].%s: not an IP address", idx, key);
        return 0;
}

int netconf_from_packet(const char *json, Netconf *ret, char **reterr) {
        _cleanup_(json_object_putp) json_object *root = NULL;
        _cleanup_(netconf_done) Netconf n = {};
        _cleanup_(netconf_iface_done) NetconfIface bond = {
                .kind = NETCONF_BOND,
                .method = NETCONF_METHOD_STATIC,
        };
        _cleanup_strv_free_ char **dns = NULL;
        int r;

        root = json ? json_tokener_parse(json) : NULL;
        if (!root || !json_object_is_type(root, json_type_object))
                return reterr_printf(reterr, -EBADMSG, "network: not a JSON object");

        /* "dns" absent or null: Google's; an empty list: none */
        json_object *d = get(root, "dns", json_type_array);
        if (d) {
                for (size_t i = 0; i < json_object_array_length(d); i++) {
                        json_object *e = json_object_array_get_idx(d, i);
                        _cleanup_free_ char *t = NULL;
                        r = e && json_object_is_type(e, json_type_string) ?
                                netconf_ip_text(json_object_get_string(e), &t) : -EINVAL;
                        if (r == -EINVAL)
                                return reterr_printf(reterr, -EBADMSG, "network.dns[%zu]: not an IP address", i);
                        if (r < 0)
                                return r;
                        r = strv_consume(&dns, TAKE_PTR(t));
                        if (r < 0)
                                return r;
                }
                if (!dns) {
                        dns = new0(char *, 1);
                        if (!dns)
                                return -ENOMEM;
                }
        } else if (strv_extend(&dns, "8.8.8.8") < 0 || strv_extend(&dns, "8.8.4.4") < 0)
                return -ENOMEM;

        json_object *addrs = get(root, "addresses", json_type_array);
        for (size_t i = 0; addrs && i < json_object_array_length(addrs); i++) {
                json_object *a = json_object_array_get_idx(addrs, i);
                uint8_t ip[16], mask[16], gw[16];
                bool v4, mask_v4, gw_v4;
                _cleanup_free_ char *s = NULL, *g = NULL;

                if (!a || !json_object_is_type(a, json_type_object))
                        return reterr_printf(reterr, -EBADMSG, "network.addresses[%zu]: not an object", i);
                r = get_ip(a, "address", i, ip, &v4, reterr);
                if (r < 0)
                        return r;
                r = get_ip(a, "netmask", i, mask, &mask_v4, reterr);
                if (r < 0)
                        return r;
                r = get_ip(a, "gateway", i, gw, &gw_v4, reterr);
                if (r < 0)
                        return r;
                /* the netmask parsed as an address: 16 bytes, as Go held it */
                r = netconf_ipnet_string(ip, v4, mask, 16, &s);
                if (r == -EINVAL)
                        return reterr_printf(reterr, -EBADMSG,
                                             "network.addresses[%zu]: netmask %s does not fit address %s", i,
                                             json_object_get_string(get(a, "netmask", json_type_string)),
                                             json_object_get_string(get(a, "address", json_type_string)));
                if (r < 0)
                        return r;
                r = strv_consume(&bond.addresses, TAKE_PTR(s));
                if (r < 0)
                        return r;

                json_object *pub = get(a, "public", json_type_boolean);
                json_object *fam = get(a, "address_family", json_type_int);
                const char *dst = !pub || !json_object_get_boolean(pub) ? "10.0.0.0/8" :
                                  fam && json_object_get_int(fam) == 4 ? "0.0.0.0/0" : "::/0";
                r = netconf_ip_string(gw, gw_v4, &g);
                if (r < 0)
                        return r;
                r = netconf_add_route(&bond, dst, g);
                if (r < 0)
                        return r;
        }

        json_object *nics = get(root, "interfaces", json_type_array);
        size_t n_nics = nics ? json_object_array_length(nics) : 0;
        if (n_nics == 0)
                return reterr_printf(reterr, -EBADMSG, "network.interfaces: no interface to bond");

        bond.name = strdup("bond0");
        if (!bond.name)
                return -ENOMEM;
        STRV_FOREACH(s, dns)
                if (strv_extend(&bond.nameservers, *s) < 0)
                        return -ENOMEM;
        static const char *const options[] = {
                /* sorted by key, as Go's sortedKeys() wrote them */
                "DownDelaySec", ".2", "LACPTransmitRate", "fast", "MIIMonitorSec", ".2", "Mode", "802.3ad",
                "UpDelaySec", ".2",
        };
        for (size_t i = 0; i < ELEMENTSOF(options); i++)
                if (strv_extend(&bond.bond_options, options[i]) < 0)
                        return -ENOMEM;
        /* the first NIC's MAC; an unparsable one is left out, as Go did */
        json_object *mac0 = get(json_object_array_get_idx(nics, 0), "mac", json_type_string);
        if (mac0) {
                r = netconf_parse_mac(json_object_get_string(mac0), &bond.hwaddr);
                if (r == -ENOMEM)
                        return r;
        }

        for (size_t i = 0; i < n_nics; i++) {
                json_object *nic = json_object_array_get_idx(nics, i);
                json_object *name = get(nic, "name", json_type_string);

                if (!name || !*json_object_get_string(name))
                        return reterr_printf(reterr, -EBADMSG, "network.interfaces[%zu].name: missing", i);
                if (strv_extend(&bond.slaves, json_object_get_string(name)) < 0)
                        return -ENOMEM;
                NetconfIface *f = netconf_add(&n, NETCONF_PHYSICAL, json_object_get_string(name));
                if (!f)
                        return -ENOMEM;
                f->method = NETCONF_METHOD_STATIC;
                f->depth = (unsigned) i; /* its index, as packet.go set configDepth */
                f->children = new(size_t, 1);
                if (!f->children)
                        return -ENOMEM;
                f->children[0] = n_nics; /* bond0, added last */
                f->n_children = 1;
                STRV_FOREACH(s, dns)
                        if (strv_extend(&f->nameservers, *s) < 0)
                                return -ENOMEM;
        }

        NetconfIface *b = netconf_add(&n, NETCONF_BOND, NULL);
        if (!b)
                return -ENOMEM;
        *b = bond;
        bond = (NetconfIface) {};

        *ret = n;
        n = (Netconf) {};
        return 0;
}
