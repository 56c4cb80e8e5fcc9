/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>

#include "basic/strformat.h"
#include "basic/strv.h"
#include "plan/netconf.h"

/* -convert-netconf=vmware: the guestinfo interface keys, read as
 * coreos-cloudinit's network/vmware.go read them: interfaces 0, 1, ... until
 * one has neither addresses, routes nor dhcp=yes; every static one gets the
 * dns.server.N / dns.domain.N lists. Interfaces keep their key order. */

static const char *get(char * const *keys, const char *fmt, ...) _printf_(2, 3);
static const char *get(char * const *keys, const char *fmt, ...) {
        char key[128];
        va_list ap;

        va_start(ap, fmt);
        int n = vsnprintf(key, sizeof key, fmt, ap);
        va_end(ap);
        if (n < 0 || (size_t) n >= sizeof key)
                return NULL;
        /* the last value of a key wins, as in the map it filled */
        const char *v = NULL;
        for (char * const *k = keys; k && k[0] && k[1]; k += 2)
                if (streq(k[0], key))
                        v = k[1];
        return v;
}

static int one_interface(char * const *keys, unsigned i, char **dns, char **domains, Netconf *n, bool *ret_done,
                         char **reterr) {
        _cleanup_(netconf_iface_done) NetconfIface f = { .kind = NETCONF_PHYSICAL };
        bool dhcp = false;
        const char *v;
        int r;

        /* processDHCPConfig() */
        v = get(keys, "interface.%u.dhcp", i);
        if (v && streq(v, "yes"))
                dhcp = true;
        else if (v && !streq(v, "no"))
                return reterr_printf(reterr, -EBADMSG, "interface.%u.dhcp: invalid DHCP option: \"%s\"", i, v);

        /* processAddressConfig(): the address as given, with its prefix */
        for (unsigned a = 0; (v = get(keys, "interface.%u.ip.%u.address", i, a)); a++) {
                uint8_t ip[16], mask[16] = {};
                unsigned prefix;
                bool v4;
                _cleanup_free_ char *s = NULL;

                if (netconf_parse_cidr(v, ip, &v4, &prefix, NULL) < 0)
                        return reterr_printf(reterr, -EBADMSG,
                                             "interface.%u.ip.%u.address: invalid address: \"%s\"", i, a, v);
                for (unsigned k = 0; k < prefix; k++)
                        mask[k / 8] |= (uint8_t) (0x80 >> (k % 8));
                bool text_v4 = !strchr(v, ':');
                r = netconf_ipnet_string(ip, v4, mask, text_v4 ? 4 : 16, &s);
                if (r == -EINVAL)
                        return reterr_printf(reterr, -EBADMSG,
                                             "interface.%u.ip.%u.address: invalid address: \"%s\"", i, a, v);
                if (r < 0)
                        return r;
                r = strv_consume(&f.addresses, TAKE_PTR(s));
                if (r < 0)
                        return r;
        }

        /* processRouteConfig(): gateway and destination come in pairs */
        for (unsigned l = 0;; l++) {
                const char *gw = get(keys, "interface.%u.route.%u.gateway", i, l);
                const char *dst = get(keys, "interface.%u.route.%u.destination", i, l);
                _cleanup_free_ char *g = NULL, *d = NULL;

                if (!gw && !dst)
                        break;
                if (!dst)
                        return reterr_printf(reterr, -EBADMSG, "interface.%u.route.%u: missing destination key", i, l);
                if (!gw)
                        return reterr_printf(reterr, -EBADMSG, "interface.%u.route.%u: missing gateway key", i, l);
                r = netconf_ip_text(gw, &g);
                if (r == -EINVAL)
                        return reterr_printf(reterr, -EBADMSG,
                                             "interface.%u.route.%u.gateway: invalid gateway: \"%s\"", i, l, gw);
                if (r < 0)
                        return r;
                r = netconf_parse_cidr(dst, NULL, NULL, NULL, &d);
                if (r == -EINVAL)
                        return reterr_printf(reterr, -EBADMSG,
                                             "interface.%u.route.%u.destination: invalid CIDR address: %s", i, l, dst);
                if (r < 0)
                        return r;
                r = netconf_add_route(&f, d, g);
                if (r < 0)
                        return r;
        }

        v = get(keys, "interface.%u.mac", i);
        if (v) {
                r = netconf_parse_mac(v, &f.hwaddr);
                if (r == -EINVAL)
                        return reterr_printf(reterr, -EBADMSG,
                                             "interface.%u.mac: error while parsing MAC address: "
                                             "address %s: invalid MAC address", i, v);
                if (r < 0)
                        return r;
        }
        v = get(keys, "interface.%u.name", i);
        if (v) {
                f.name = strdup(v);
                if (!f.name)
                        return -ENOMEM;
        }

        if (f.addresses || f.n_routes > 0) {
                f.method = NETCONF_METHOD_STATIC;
                STRV_FOREACH(s, dns)
                        if (strv_extend(&f.nameservers, *s) < 0)
                                return -ENOMEM;
                STRV_FOREACH(s, domains)
                        if (strv_extend(&f.domains, *s) < 0)
                                return -ENOMEM;
        } else if (dhcp)
                f.method = NETCONF_METHOD_DHCP;
        else {
                *ret_done = true;
                return 0;
        }
        if (f.hwaddr) {
                f.method_hwaddr = strdup(f.hwaddr);
                if (!f.method_hwaddr)
                        return -ENOMEM;
        }

        NetconfIface *slot = netconf_add(n, NETCONF_PHYSICAL, NULL);
        if (!slot)
                return -ENOMEM;
        *slot = f;
        f = (NetconfIface) {};
        *ret_done = false;
        return 0;
}

int netconf_from_vmware(char * const *keys, Netconf *ret, char **reterr) {
        _cleanup_strv_free_ char **dns = NULL, **domains = NULL;
        _cleanup_(netconf_done) Netconf n = {};
        const char *v;
        int r;

        for (unsigned i = 0; (v = get(keys, "dns.server.%u", i)); i++) {
                _cleanup_free_ char *t = NULL;
                r = netconf_ip_text(v, &t);
                if (r == -EINVAL)
                        return reterr_printf(reterr, -EBADMSG, "dns.server.%u: invalid nameserver: \"%s\"", i, v);
                if (r < 0)
                        return r;
                r = strv_consume(&dns, TAKE_PTR(t));
                if (r < 0)
                        return r;
        }
        for (unsigned i = 0; (v = get(keys, "dns.domain.%u", i)); i++) {
                r = strv_extend(&domains, v);
                if (r < 0)
                        return r;
        }

        for (unsigned i = 0;; i++) {
                bool done = false;
                r = one_interface(keys, i, dns, domains, &n, &done, reterr);
                if (r < 0)
                        return r;
                if (done)
                        break;
        }

        *ret = n;
        n = (Netconf) {};
        return 0;
}
