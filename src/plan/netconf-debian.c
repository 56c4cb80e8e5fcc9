/* SPDX-License-Identifier: Apache-2.0 */
#include <ctype.h>
#include "basic/strformat.h"
#include "basic/strv.h"
#include "plan/netconf.h"

/* -convert-netconf=debian: a config drive's /etc/network/interfaces text,
 * read as coreos-cloudinit's network/debian.go and stanza.go read it. Where
 * it wrote "<nil>" into a unit (an address it could not parse) this is an
 * error naming the option instead. */

typedef struct Option {
        char *key;
        char **values;          /* never NULL: an option without values is "" */
} Option;

typedef struct Stanza {
        NetconfIface iface;     /* name, kind, method and its settings */
        bool loopback;
        Option *opts;
        size_t n_opts;
        char **post_up;
} Stanza;

static void stanza_done(Stanza *s) {
        netconf_iface_done(&s->iface);
        for (size_t i = 0; i < s->n_opts; i++) {
                free(s->opts[i].key);
                strv_free(s->opts[i].values);
        }
        free(s->opts);
        strv_free(s->post_up);
        *s = (Stanza) {};
}

/* Go's strings.Fields (ASCII whitespace). */
static int fields(const char *s, char ***ret) {
        _cleanup_strv_free_ char **l = NULL;

        /* an empty list is a list, not "absent" */
        l = new0(char *, 1);
        if (!l)
                return -ENOMEM;
        for (;;) {
                while (*s && isspace((unsigned char) *s))
                        s++;
                if (!*s)
                        break;
                size_t n = 0;
                while (s[n] && !isspace((unsigned char) s[n]))
                        n++;
                int r = strv_consume(&l, strndup(s, n));
                if (r < 0)
                        return r;
                s += n;
        }
        *ret = TAKE_PTR(l);
        return 0;
}

/* formatConfig(): "\\\n" joins lines; lines are trimmed; empty lines and
 * comments go. */
static int format_config(const char *text, size_t size, char ***ret) {
        _cleanup_strv_free_ char **lines = new0(char *, 1);
        _cleanup_free_ char *joined = malloc(size + 1);
        size_t n = 0;

        if (!lines || !joined)
                return -ENOMEM;
        for (size_t i = 0; i < size; i++) {
                if (text[i] == '\\' && i + 1 < size && text[i + 1] == '\n') {
                        i++;
                        continue;
                }
                joined[n++] = text[i];
        }
        joined[n] = 0;

        for (char *p = joined; p;) {
                char *nl = strchr(p, '\n');
                if (nl)
                        *nl = 0;
                char *b = p, *e = p + strlen(p);
                while (*b && isspace((unsigned char) *b))
                        b++;
                while (e > b && isspace((unsigned char) e[-1]))
                        e--;
                *e = 0;
                if (*b && *b != '#') {
                        int r = strv_extend(&lines, b);
                        if (r < 0)
                                return r;
                }
                p = nl ? nl + 1 : NULL;
        }
        *ret = TAKE_PTR(lines);
        return 0;
}

/* isStanzaStart(): the text before the first space (not tab). */
static bool is_stanza_start(const char *line) {
        size_t n = strcspn(line, " ");

        if (strneq(line, "allow-", 6))
                return true;
        return (n == 4 && strneq(line, "auto", 4)) || (n == 5 && strneq(line, "iface", 5)) ||
               (n == 7 && strneq(line, "mapping", 7));
}

static char **opt_get(const Stanza *s, const char *key) {
        for (size_t i = 0; i < s->n_opts; i++)
                if (streq(s->opts[i].key, key))
                        return s->opts[i].values;
        return NULL;
}

/* optionMap[key] = values: a later line replaces an earlier one. Takes
 * words (key, values...). */
static int opt_set(Stanza *s, char **words) {
        _cleanup_strv_free_ char **w = words;
        _cleanup_strv_free_ char **values = new0(char *, 1);

        if (!values)
                return -ENOMEM;
        STRV_FOREACH(v, w + 1)
                if (strv_extend(&values, *v) < 0)
                        return -ENOMEM;

        for (size_t i = 0; i < s->n_opts; i++)
                if (streq(s->opts[i].key, w[0])) {
                        strv_free(s->opts[i].values);
                        s->opts[i].values = TAKE_PTR(values);
                        return 0;
                }

        Option *a = reallocarray(s->opts, s->n_opts + 1, sizeof(Option));
        if (!a)
                return -ENOMEM;
        s->opts = a;
        a[s->n_opts].key = strdup(w[0]);
        if (!a[s->n_opts].key)
                return -ENOMEM;
        a[s->n_opts++].values = TAKE_PTR(values);
        return 0;
}

static int parse_hwaddress(const Stanza *s, const char *iface, char **ret, char **reterr) {
        char **hw = opt_get(s, "hwaddress");

        *ret = NULL;
        if (!hw || strv_length(hw) != 2 || !streq(hw[0], "ether"))
                return 0;
        int r = netconf_parse_mac(hw[1], ret);
        if (r == -EINVAL)
                return reterr_printf(reterr, -EBADMSG, "malformed hwaddress option for \"%s\"", iface);
        return r;
}

/* post-up "route add [-net DEST] [netmask MASK] [gw GW]": added when all
 * three are known, as coreos-cloudinit did; anything else is left alone. */
static int parse_post_up_route(NetconfIface *f, const char *line, const char *iface, char **reterr) {
        _cleanup_strv_free_ char **w = NULL;
        uint8_t dst[16], mask[16], gw[16];
        bool dst_v4 = false, gw_v4 = false, have_dst = false, have_mask = false, have_gw = false;
        size_t mask_len = 0, n;
        int r;

        r = fields(line, &w);
        if (r < 0)
                return r;
        n = strv_length(w);
        /* Go looked at fields[:len(fields)-1]: a keyword needs a value */
        for (size_t i = 0; i + 1 < n; i++) {
                const char *v = w[i + 1];
                if (streq(w[i], "-net")) {
                        unsigned prefix;
                        if (netconf_parse_cidr(v, dst, &dst_v4, &prefix, NULL) >= 0) {
                                bool text_v4 = !strchr(v, ':');
                                mask_len = text_v4 ? 4 : 16;
                                memset(mask, 0, sizeof mask);
                                for (unsigned k = 0; k < prefix; k++)
                                        mask[k / 8] |= (uint8_t) (0x80 >> (k % 8));
                                for (size_t k = 0; k < mask_len; k++)
                                        dst[16 - mask_len + k] &= mask[k];
                                dst_v4 = dst_v4 || text_v4;
                                have_dst = have_mask = true;
                        } else
                                have_dst = netconf_parse_ip(v, dst, &dst_v4) >= 0;
                } else if (streq(w[i], "netmask")) {
                        bool v4;
                        uint8_t m[16];
                        have_mask = netconf_parse_ip(v, m, &v4) >= 0 && v4;
                        if (have_mask) {
                                memcpy(mask, m + 12, 4);
                                mask_len = 4;
                        }
                } else if (streq(w[i], "gw"))
                        have_gw = netconf_parse_ip(v, gw, &gw_v4) >= 0;
        }
        if (!have_dst || !have_mask || !have_gw)
                return 0;

        _cleanup_free_ char *d = NULL, *g = NULL;
        r = netconf_ipnet_string(dst, dst_v4, mask, mask_len, &d);
        if (r == -EINVAL)
                return reterr_printf(reterr, -EBADMSG,
                                     "post-up \"%s\" of \"%s\": the destination and netmask do not make a network",
                                     line, iface);
        if (r < 0)
                return r;
        r = netconf_ip_string(gw, gw_v4, &g);
        if (r < 0)
                return r;
        return netconf_add_route(f, d, g);
}

static int parse_static(Stanza *s, const char *iface, char **reterr) {
        NetconfIface *f = &s->iface;
        char **a = opt_get(s, "address"), **m = opt_get(s, "netmask"), **g = opt_get(s, "gateway");
        uint8_t ip[16], mask[16];
        bool v4 = false, mask_v4 = false;
        bool have_ip = a && strv_length(a) == 1 && netconf_parse_ip(a[0], ip, &v4) >= 0;
        bool have_mask = m && strv_length(m) == 1 && netconf_parse_ip(m[0], mask, &mask_v4) >= 0 && mask_v4;
        _cleanup_free_ char *addr = NULL;
        int r;

        f->method = NETCONF_METHOD_STATIC;
        if (!have_ip || !have_mask)
                return reterr_printf(reterr, -EBADMSG, "malformed static network config for \"%s\"", iface);
        r = netconf_ipnet_string(ip, v4, mask + 12, 4, &addr);
        if (r == -EINVAL)
                return reterr_printf(reterr, -EBADMSG,
                                     "address %s with netmask %s of \"%s\" is not an address networkd takes "
                                     "(an IPv6 address, or a netmask that is not contiguous)", a[0], m[0], iface);
        if (r < 0)
                return r;
        r = strv_consume(&f->addresses, TAKE_PTR(addr));
        if (r < 0)
                return r;

        if (g && strv_length(g) == 1) {
                _cleanup_free_ char *gw = NULL;
                r = netconf_ip_text(g[0], &gw);
                if (r == -EINVAL)
                        return reterr_printf(reterr, -EBADMSG, "invalid gateway \"%s\" for \"%s\"", g[0], iface);
                if (r < 0)
                        return r;
                r = netconf_add_route(f, "0.0.0.0/0", gw);
                if (r < 0)
                        return r;
        }

        r = parse_hwaddress(s, iface, &f->method_hwaddr, reterr);
        if (r < 0)
                return r;

        STRV_FOREACH(ns, opt_get(s, "dns-nameservers")) {
                _cleanup_free_ char *t = NULL;
                r = netconf_ip_text(*ns, &t);
                if (r == -EINVAL)
                        return reterr_printf(reterr, -EBADMSG,
                                             "invalid nameserver \"%s\" in dns-nameservers of \"%s\"", *ns, iface);
                if (r < 0)
                        return r;
                r = strv_consume(&f->nameservers, TAKE_PTR(t));
                if (r < 0)
                        return r;
        }

        STRV_FOREACH(p, s->post_up) {
                if (!startswith(*p, "route add"))
                        continue;
                r = parse_post_up_route(f, *p, iface, reterr);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* parseVLANStanza(): the id from "name.ID" or "vlanID" */
static int parse_vlan(Stanza *s, const char *iface, char **reterr) {
        const char *id;
        char *end = NULL;

        const char *dot = strrchr(iface, '.');
        if (dot)
                id = dot + 1;
        else if (startswith(iface, "vlan"))
                id = iface + 4;
        else
                return reterr_printf(reterr, -EBADMSG, "malformed vlan name \"%s\"", iface);

        /* Go's strconv.Atoi: optional sign, decimal digits */
        const char *digits = id + (*id == '+' || *id == '-');
        if (!*digits || strspn(digits, "0123456789") != strlen(digits))
                return reterr_printf(reterr, -EBADMSG, "malformed vlan name \"%s\"", iface);
        errno = 0;
        long long v = strtoll(id, &end, 10);
        if (errno != 0 || *end)
                return reterr_printf(reterr, -EBADMSG, "malformed vlan name \"%s\"", iface);

        s->iface.kind = NETCONF_VLAN;
        s->iface.vlan_id = v;
        char **raw = opt_get(s, "vlan_raw_device");
        if (raw && strv_length(raw) == 1) {
                s->iface.raw_device = strdup(raw[0]);
                if (!s->iface.raw_device)
                        return -ENOMEM;
        }
        return 0;
}

static int parse_iface_stanza(char **lines, Stanza *ret, char **reterr) {
        _cleanup_strv_free_ char **head = NULL;
        _cleanup_(stanza_done) Stanza s = {};
        int r;

        r = fields(lines[0], &head);
        if (r < 0)
                return r;
        if (strv_length(head) != 4)
                return reterr_printf(reterr, -EBADMSG, "incorrect number of attributes in \"%s\"", lines[0]);
        const char *iface = head[1], *method = head[3];

        for (char **l = lines + 1; *l; l++) {
                const char *rest;
                if (startswith(*l, "post-up") || startswith(*l, "pre-down")) {
                        /* SplitAfterN(" ", 2): all after the first space; pre-down is unused */
                        rest = strchr(*l, ' ');
                        if (rest && startswith(*l, "post-up")) {
                                r = strv_extend(&s.post_up, rest + 1);
                                if (r < 0)
                                        return r;
                        }
                        continue;
                }
                char **w = NULL;
                r = fields(*l, &w);
                if (r < 0)
                        return r;
                r = opt_set(&s, w); /* lines are never empty: w[0] exists */
                if (r < 0)
                        return r;
        }

        s.iface.name = strdup(iface);
        if (!s.iface.name)
                return -ENOMEM;

        if (streq(method, "static"))
                r = parse_static(&s, iface, reterr);
        else if (streq(method, "loopback")) {
                s.loopback = true;
                r = 0;
        } else if (streq(method, "manual")) {
                s.iface.method = NETCONF_METHOD_MANUAL;
                r = 0;
        } else if (streq(method, "dhcp")) {
                s.iface.method = NETCONF_METHOD_DHCP;
                r = parse_hwaddress(&s, iface, &s.iface.method_hwaddr, reterr);
        } else
                r = reterr_printf(reterr, -EBADMSG, "invalid config method \"%s\" of \"%s\"", method, iface);
        if (r < 0)
                return r;

        if (opt_get(&s, "vlan_raw_device") || strchr(iface, '.'))
                r = parse_vlan(&s, iface, reterr);
        else if (opt_get(&s, "bond-slaves"))
                s.iface.kind = NETCONF_BOND;
        else
                s.iface.kind = NETCONF_PHYSICAL;
        if (r < 0)
                return r;

        *ret = s;
        s = (Stanza) {};
        return 0;
}

/* interfaceMap[name] = iface: a later stanza replaces an earlier one.
 * Takes *f. */
static int put(Netconf *n, NetconfIface *f) {
        ssize_t k = netconf_find(n, f->name);

        if (k >= 0)
                netconf_iface_done(n->ifaces + k);
        else {
                NetconfIface *a = reallocarray(n->ifaces, n->n + 1, sizeof(NetconfIface));
                if (!a)
                        return -ENOMEM;
                n->ifaces = a;
                k = (ssize_t) n->n++;
        }
        n->ifaces[k] = *f;
        *f = (NetconfIface) {};
        return 0;
}

/* a bond's slave or a VLAN's raw device without a stanza of its own */
static int put_manual_physical(Netconf *n, const char *name) {
        if (netconf_find(n, name) >= 0)
                return 0;
        NetconfIface *f = netconf_add(n, NETCONF_PHYSICAL, name);
        if (!f)
                return -ENOMEM;
        f->method = NETCONF_METHOD_MANUAL;
        return 0;
}

/* createInterfaces() for one stanza */
static int create_interface(Netconf *n, Stanza *s) {
        NetconfIface *f = &s->iface;
        int r;

        if (f->kind == NETCONF_PHYSICAL && s->loopback)
                return 0;

        if (f->kind == NETCONF_BOND) {
                static const char *const keys[] = { "lacp-rate", "miimon", "mode" }; /* sorted */
                for (size_t i = 0; i < ELEMENTSOF(keys); i++) {
                        _cleanup_free_ char *k = NULL;
                        if (asprintf(&k, "bond-%s", keys[i]) < 0)
                                return -ENOMEM;
                        char **v = opt_get(s, k);
                        if (v && v[0] && (strv_extend(&f->bond_options, keys[i]) < 0 ||
                                          strv_extend(&f->bond_options, v[0]) < 0))
                                return -ENOMEM;
                }
                STRV_FOREACH(sl, opt_get(s, "bond-slaves"))
                        if (strv_extend(&f->slaves, *sl) < 0)
                                return -ENOMEM;
        }
        _cleanup_strv_free_ char **below = NULL;
        if (f->kind == NETCONF_BOND)
                STRV_FOREACH(sl, f->slaves)
                        if (strv_extend(&below, *sl) < 0)
                                return -ENOMEM;
        if (f->kind == NETCONF_VLAN && f->raw_device && strv_extend(&below, f->raw_device) < 0)
                return -ENOMEM;

        r = put(n, f);
        if (r < 0)
                return r;
        STRV_FOREACH(b, below) {
                r = put_manual_physical(n, *b);
                if (r < 0)
                        return r;
        }
        return 0;
}

int netconf_from_debian(const char *text, size_t size, Netconf *ret, char **reterr) {
        _cleanup_strv_free_ char **lines = NULL;
        _cleanup_(netconf_done) Netconf n = {};
        int r;

        r = format_config(text ?: "", text ? size : 0, &lines);
        if (r < 0)
                return r;

        /* splitStanzas() and parseStanza(), then createInterfaces() in order */
        for (size_t i = 0; lines[i];) {
                if (!is_stanza_start(lines[i]))
                        return reterr_printf(reterr, -EBADMSG, "missing stanza start \"%s\"", lines[i]);
                size_t j = i + 1;
                while (lines[j] && !is_stanza_start(lines[j]))
                        j++;

                _cleanup_strv_free_ char **head = NULL;
                r = fields(lines[i], &head);
                if (r < 0)
                        return r;
                if (strv_length(head) < 2)
                        return reterr_printf(reterr, -EBADMSG, "malformed stanza start \"%s\"", lines[i]);
                if (streq(head[0], "iface")) {
                        _cleanup_(stanza_done) Stanza s = {};
                        _cleanup_strv_free_ char **st = NULL;
                        for (size_t k = i; k < j; k++)
                                if (strv_extend(&st, lines[k]) < 0)
                                        return -ENOMEM;
                        r = parse_iface_stanza(st, &s, reterr);
                        if (r < 0)
                                return r;
                        r = create_interface(&n, &s);
                        if (r < 0)
                                return r;
                } else if (!streq(head[0], "auto"))
                        return reterr_printf(reterr, -EBADMSG, "unknown stanza \"%s\"", head[0]);
                i = j;
        }

        r = netconf_sort(&n);
        if (r < 0)
                return r;
        r = netconf_link(&n, reterr);
        if (r < 0)
                return r == -ELOOP ? -EBADMSG : r;
        *ret = n;
        n = (Netconf) {};
        return 0;
}
