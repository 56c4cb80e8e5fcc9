/* SPDX-License-Identifier: Apache-2.0 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <ctype.h>

#include "basic/buf.h"
#include "basic/strformat.h"
#include "basic/strv.h"
#include "plan/netconf.h"

/* The interface model and the renderers of coreos-cloudinit's
 * network/interface.go; the Go formatting of addresses it relied on. */

static const char *const netconf_kind_table[_NETCONF_KIND_MAX] = {
        [NETCONF_PHYSICAL] = "physical",
        [NETCONF_BOND] = "bond",
        [NETCONF_VLAN] = "vlan",
};

DEFINE_STRING_TABLE_LOOKUP(netconf_kind, NetconfKind, _NETCONF_KIND_MAX);

void netconf_iface_done(NetconfIface *i) {
        free(i->name);
        free(i->hwaddr);
        free(i->method_hwaddr);
        strv_free(i->addresses);
        strv_free(i->nameservers);
        strv_free(i->domains);
        for (size_t k = 0; k < i->n_routes; k++) {
                free(i->routes[k].destination);
                free(i->routes[k].gateway);
        }
        free(i->routes);
        free(i->children);
        strv_free(i->slaves);
        strv_free(i->bond_options);
        free(i->raw_device);
        *i = (NetconfIface) {};
}

void netconf_done(Netconf *n) {
        for (size_t i = 0; i < n->n; i++)
                netconf_iface_done(n->ifaces + i);
        free(n->ifaces);
        *n = (Netconf) {};
}

NetconfIface *netconf_add(Netconf *n, NetconfKind kind, const char *name) {
        _cleanup_free_ char *copy = NULL;

        if (name) {
                copy = strdup(name);
                if (!copy)
                        return NULL;
        }
        NetconfIface *a = reallocarray(n->ifaces, n->n + 1, sizeof(NetconfIface));
        if (!a)
                return NULL;
        n->ifaces = a;
        a[n->n] = (NetconfIface) { .kind = kind, .name = TAKE_PTR(copy) };
        return a + n->n++;
}

ssize_t netconf_find(const Netconf *n, const char *name) {
        for (size_t i = 0; i < n->n; i++)
                if (streq_ptr(n->ifaces[i].name, name))
                        return (ssize_t) i;
        return -ENOENT;
}

int netconf_add_route(NetconfIface *i, const char *destination, const char *gateway) {
        NetconfRoute *a = reallocarray(i->routes, i->n_routes + 1, sizeof(NetconfRoute));
        if (!a)
                return -ENOMEM;
        i->routes = a;
        a[i->n_routes] = (NetconfRoute) { .destination = strdup(destination), .gateway = strdup(gateway) };
        if (!a[i->n_routes].destination || !a[i->n_routes].gateway) {
                free(a[i->n_routes].destination);
                free(a[i->n_routes].gateway);
                return -ENOMEM;
        }
        i->n_routes++;
        return 0;
}

static int add_child(NetconfIface *parent, size_t child) {
        size_t *a = reallocarray(parent->children, parent->n_children + 1, sizeof(size_t));
        if (!a)
                return -ENOMEM;
        parent->children = a;
        a[parent->n_children++] = child;
        return 0;
}

static int cmp_iface(const void *a, const void *b) {
        const NetconfIface *x = a, *y = b;

        /* Go's sort.Strings: bytewise */
        return strcmp(strempty(x->name), strempty(y->name));
}

int netconf_sort(Netconf *n) {
        for (size_t i = 0; i < n->n; i++)
                if (n->ifaces[i].n_children > 0)
                        return -EBUSY; /* indexes would change under them */
        if (n->n > 1)
                qsort(n->ifaces, n->n, sizeof(NetconfIface), cmp_iface);
        return 0;
}

/* Go's setDepth(): an interface's depth is one more than the deepest of
 * those stacked on it. A chain longer than the list is a circle (Go
 * recursed until its stack overflowed). */
static int set_depth(Netconf *n, size_t i, size_t level, unsigned *ret) {
        NetconfIface *f = n->ifaces + i;
        unsigned max = 0;

        if (level > n->n)
                return -ELOOP;
        for (size_t k = 0; k < f->n_children; k++) {
                unsigned d;
                int r = set_depth(n, f->children[k], level + 1, &d);
                if (r < 0)
                        return r;
                max = MAX(max, d);
        }
        f->depth = max;
        *ret = max + 1;
        return 0;
}

int netconf_link(Netconf *n, char **reterr) {
        int r;

        /* linkAncestors(): in name order, so a parent lists its children
         * sorted; only physical and bond interfaces carry them */
        for (size_t i = 0; i < n->n; i++) {
                NetconfIface *f = n->ifaces + i;
                char **parents = NULL;
                char *one[2] = { f->raw_device, NULL };

                if (f->kind == NETCONF_VLAN && f->raw_device)
                        parents = one;
                else if (f->kind == NETCONF_BOND)
                        parents = f->slaves;
                STRV_FOREACH(p, parents) {
                        ssize_t k = netconf_find(n, *p);
                        if (k < 0 || n->ifaces[k].kind == NETCONF_VLAN)
                                continue;
                        r = add_child(n->ifaces + k, i);
                        if (r < 0)
                                return r;
                }
        }

        /* markConfigDepths(): from the interfaces that are nobody's child */
        _cleanup_free_ bool *child = new0(bool, n->n);
        if (!child)
                return -ENOMEM;
        for (size_t i = 0; i < n->n; i++)
                for (size_t k = 0; k < n->ifaces[i].n_children; k++)
                        child[n->ifaces[i].children[k]] = true;
        for (size_t i = 0; i < n->n; i++) {
                unsigned d;
                if (child[i])
                        continue;
                r = set_depth(n, i, 0, &d);
                if (r == -ELOOP)
                        return reterr_printf(reterr, r,
                                             "interfaces stacked on %s (bond-slaves, vlan_raw_device) lead back to "
                                             "one another", strna(n->ifaces[i].name));
                if (r < 0)
                        return r;
        }
        return 0;
}

/* ---- Go's net package formatting ---------------------------------------- */

static const uint8_t v4_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

int netconf_parse_ip(const char *s, uint8_t ret[16], bool *ret_v4) {
        uint8_t b[16];

        if (!s)
                return -EINVAL;
        if (inet_pton(AF_INET, s, b + 12) == 1) {
                memcpy(b, v4_prefix, 12);
                memcpy(ret, b, 16);
                *ret_v4 = true;
                return 0;
        }
        if (!strchr(s, ':') || inet_pton(AF_INET6, s, b) != 1)
                return -EINVAL;
        memcpy(ret, b, 16);
        /* Go's To4(): an IPv4-mapped address is an IPv4 one */
        *ret_v4 = memcmp(b, v4_prefix, 12) == 0;
        return 0;
}

int netconf_ip_string(const uint8_t ip[16], bool v4, char **ret) {
        _cleanup_(buf_done) Buf b = {};
        int best = -1, best_len = 0;

        if (v4)
                return asprintf(ret, "%u.%u.%u.%u", ip[12], ip[13], ip[14], ip[15]) < 0 ? -ENOMEM : 0;

        /* Go (and RFC 5952): the longest run of two or more zero groups, the
         * first of equals, becomes "::"; lowercase hex without leading zeros */
        for (int i = 0; i < 8;) {
                int j = i;
                while (j < 8 && ip[2 * j] == 0 && ip[2 * j + 1] == 0)
                        j++;
                if (j - i > best_len && j - i >= 2) {
                        best = i;
                        best_len = j - i;
                }
                i = j > i ? j : i + 1;
        }
        for (int i = 0; i < 8; i++) {
                if (i == best) {
                        if (buf_puts(&b, "::") < 0)
                                return -ENOMEM;
                        i += best_len - 1;
                        continue;
                }
                if (i > 0 && i != best + best_len && buf_putc(&b, ':') < 0)
                        return -ENOMEM;
                if (buf_printf(&b, "%x", (unsigned) (ip[2 * i] << 8 | ip[2 * i + 1])) < 0)
                        return -ENOMEM;
        }
        *ret = buf_steal(&b, NULL);
        return *ret ? 0 : -ENOMEM;
}

/* Go's simpleMaskLength(): -1 unless ones then zeros */
static int mask_prefix(const uint8_t *m, size_t len) {
        int n = 0;
        bool zeros = false;

        for (size_t i = 0; i < len; i++)
                for (int bit = 7; bit >= 0; bit--) {
                        bool one = m[i] >> bit & 1;
                        if (one && zeros)
                                return -1;
                        if (one)
                                n++;
                        else
                                zeros = true;
                }
        return n;
}

int netconf_ipnet_string(const uint8_t ip[16], bool v4, const uint8_t *mask, size_t mask_len, char **ret) {
        _cleanup_free_ char *a = NULL;
        int r, prefix;

        /* networkNumberAndMask(): a 16-byte mask of an IPv4 address is
         * cut to its last 4 bytes; a 4-byte mask fits only IPv4 */
        if (mask_len == 16 && v4) {
                mask += 12;
                mask_len = 4;
        } else if (mask_len != 16 && (mask_len != 4 || !v4))
                return -EINVAL;
        prefix = mask_prefix(mask, mask_len);
        if (prefix < 0)
                return -EINVAL;
        r = netconf_ip_string(ip, v4, &a);
        if (r < 0)
                return r;
        return asprintf(ret, "%s/%d", a, prefix) < 0 ? -ENOMEM : 0;
}

int netconf_parse_cidr(const char *s, uint8_t ret_ip[16], bool *ret_v4, unsigned *ret_prefix, char **ret_network) {
        _cleanup_free_ char *addr = NULL;
        uint8_t ip[16], net[16], mask[16] = {};
        bool v4;
        int r;

        const char *slash = s ? strchr(s, '/') : NULL;
        if (!slash)
                return -EINVAL;
        addr = strndup(s, slash - s);
        if (!addr)
                return -ENOMEM;
        /* Go: decimal digits only, no sign, at most the address's bits */
        const char *p = slash + 1;
        if (!*p || strspn(p, "0123456789") != strlen(p) || strlen(p) > 3)
                return -EINVAL;
        unsigned prefix = (unsigned) atoi(p);
        /* ParseCIDR takes the text's family: "::ffff:1.2.3.4/96" is IPv6 */
        bool text_v4 = !strchr(addr, ':');
        r = netconf_parse_ip(addr, ip, &v4);
        if (r < 0)
                return r;
        if (prefix > (text_v4 ? 32U : 128U))
                return -EINVAL;

        size_t len = text_v4 ? 4 : 16;
        for (unsigned i = 0; i < prefix; i++)
                mask[i / 8] |= (uint8_t) (0x80 >> (i % 8));
        memcpy(net, ip, 16);
        for (size_t i = 0; i < len; i++)
                net[16 - len + i] &= mask[i];

        if (ret_network) {
                r = netconf_ipnet_string(net, text_v4 ? true : v4, mask, len, ret_network);
                if (r < 0)
                        return r;
        }
        if (ret_ip)
                memcpy(ret_ip, ip, 16);
        if (ret_v4)
                *ret_v4 = v4;
        if (ret_prefix)
                *ret_prefix = prefix;
        return 0;
}

static int hexval(char c) {
        if (c >= '0' && c <= '9')
                return c - '0';
        c = (char) tolower((unsigned char) c);
        return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int netconf_parse_mac(const char *s, char **ret) {
        uint8_t b[20];
        size_t n = 0, len = s ? strlen(s) : 0;

        if (len < 14)
                return -EINVAL;
        if (s[2] == ':' || s[2] == '-') {
                /* xx:xx:..., as Go: 6, 8 or 20 groups of two */
                if ((len + 1) % 3 != 0)
                        return -EINVAL;
                n = (len + 1) / 3;
                if (n != 6 && n != 8 && n != 20)
                        return -EINVAL;
                for (size_t i = 0; i < n; i++) {
                        int hi = hexval(s[3 * i]), lo = hexval(s[3 * i + 1]);
                        if (hi < 0 || lo < 0 || (i + 1 < n && s[3 * i + 2] != s[2]))
                                return -EINVAL;
                        b[i] = (uint8_t) (hi << 4 | lo);
                }
        } else if (s[4] == '.') {
                /* xxxx.xxxx.xxxx */
                if ((len + 1) % 5 != 0)
                        return -EINVAL;
                n = 2 * (len + 1) / 5;
                if (n != 6 && n != 8 && n != 20)
                        return -EINVAL;
                for (size_t i = 0; i < n; i += 2) {
                        const char *g = s + 5 * (i / 2);
                        int h[4];
                        for (int k = 0; k < 4; k++)
                                if ((h[k] = hexval(g[k])) < 0)
                                        return -EINVAL;
                        if (i + 2 < n && g[4] != '.')
                                return -EINVAL;
                        b[i] = (uint8_t) (h[0] << 4 | h[1]);
                        b[i + 1] = (uint8_t) (h[2] << 4 | h[3]);
                }
        } else
                return -EINVAL;

        _cleanup_(buf_done) Buf out = {};
        for (size_t i = 0; i < n; i++)
                if (buf_printf(&out, "%s%02x", i ? ":" : "", b[i]) < 0)
                        return -ENOMEM;
        *ret = buf_steal(&out, NULL);
        return *ret ? 0 : -ENOMEM;
}

/* ---- renderers (network/interface.go) ----------------------------------- */

int netconf_filename(const NetconfIface *i, char **ret) {
        /* Go's %02x of an int: more digits past 255 */
        return asprintf(ret, "%02x-%s", i->depth, i->name ?: strempty(i->hwaddr)) < 0 ? -ENOMEM : 0;
}

int netconf_netdev(const Netconf *n, size_t idx, char **ret) {
        const NetconfIface *i = n->ifaces + idx;
        _cleanup_(buf_done) Buf b = {};

        switch (i->kind) {
        case NETCONF_BOND:
                if (buf_printf(&b, "[NetDev]\nKind=bond\nName=%s\n", strempty(i->name)) < 0 ||
                    (i->hwaddr && buf_printf(&b, "MACAddress=%s\n", i->hwaddr) < 0) ||
                    buf_puts(&b, "\n[Bond]\n") < 0)
                        return -ENOMEM;
                for (char **o = i->bond_options; o && o[0] && o[1]; o += 2)
                        if (buf_printf(&b, "%s=%s\n", o[0], o[1]) < 0)
                                return -ENOMEM;
                break;
        case NETCONF_VLAN:
                if (buf_printf(&b, "[NetDev]\nKind=vlan\nName=%s\n", strempty(i->name)) < 0 ||
                    (i->method_hwaddr && buf_printf(&b, "MACAddress=%s\n", i->method_hwaddr) < 0) ||
                    buf_printf(&b, "\n[VLAN]\nId=%" PRId64 "\n", i->vlan_id) < 0)
                        return -ENOMEM;
                break;
        default:
                *ret = NULL;
                return 0;
        }
        *ret = buf_steal(&b, NULL);
        return *ret ? 0 : -ENOMEM;
}

int netconf_network(const Netconf *n, size_t idx, char **ret) {
        const NetconfIface *i = n->ifaces + idx;
        _cleanup_(buf_done) Buf b = {};

        if (buf_puts(&b, "[Match]\n") < 0 ||
            (i->name && i->name[0] && buf_printf(&b, "Name=%s\n", i->name) < 0) ||
            (i->hwaddr && buf_printf(&b, "MACAddress=%s\n", i->hwaddr) < 0) ||
            buf_puts(&b, "\n[Network]\n") < 0)
                return -ENOMEM;

        for (size_t k = 0; k < i->n_children; k++) {
                const NetconfIface *c = n->ifaces + i->children[k];
                if (c->kind == NETCONF_VLAN && buf_printf(&b, "VLAN=%s\n", strempty(c->name)) < 0)
                        return -ENOMEM;
                if (c->kind == NETCONF_BOND && buf_printf(&b, "Bond=%s\n", strempty(c->name)) < 0)
                        return -ENOMEM;
        }

        if (i->method == NETCONF_METHOD_STATIC) {
                if (i->domains && i->domains[0]) {
                        _cleanup_free_ char *d = strv_join(i->domains, " ");
                        if (!d || buf_printf(&b, "Domains=%s\n", d) < 0)
                                return -ENOMEM;
                }
                STRV_FOREACH(s, i->nameservers)
                        if (buf_printf(&b, "DNS=%s\n", *s) < 0)
                                return -ENOMEM;
                STRV_FOREACH(a, i->addresses)
                        if (buf_printf(&b, "\n[Address]\nAddress=%s\n", *a) < 0)
                                return -ENOMEM;
                for (size_t k = 0; k < i->n_routes; k++)
                        if (buf_printf(&b, "\n[Route]\nDestination=%s\nGateway=%s\n", i->routes[k].destination,
                                       i->routes[k].gateway) < 0)
                                return -ENOMEM;
        } else if (i->method == NETCONF_METHOD_DHCP && buf_puts(&b, "DHCP=true\n") < 0)
                return -ENOMEM;

        *ret = buf_steal(&b, NULL);
        return *ret ? 0 : -ENOMEM;
}

int netconf_modprobe_params(const NetconfIface *i, char **ret) {
        _cleanup_(buf_done) Buf b = {};

        if (i->kind == NETCONF_BOND)
                for (char **o = i->bond_options; o && o[0] && o[1]; o += 2)
                        if (buf_printf(&b, "%s%s=%s", o == i->bond_options ? "" : " ", o[0], o[1]) < 0)
                                return -ENOMEM;
        *ret = buf_steal(&b, NULL);
        return *ret ? 0 : -ENOMEM;
}

int netconf_ip_text(const char *s, char **ret) {
        uint8_t ip[16];
        bool v4;

        if (netconf_parse_ip(s, ip, &v4) < 0)
                return -EINVAL;
        return netconf_ip_string(ip, v4, ret);
}
