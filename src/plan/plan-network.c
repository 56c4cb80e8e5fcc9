/* SPDX-License-Identifier: Apache-2.0 */
#include "basic/strformat.h"
#include "plan/netconf.h"
#include "plan/plan-internal.h"

/* -convert-netconf: the datasource's network description as runtime
 * networkd units after every other unit, as coreos-cloudinit added them.
 * networkd is restarted once, by apply, when one of them changed.
 *
 * Kernel modules: coreos-cloudinit ran `modprobe 8021q` for a VLAN and
 * `modprobe bonding <options of the first bond>` for a bond. Here the bond
 * options go to /run/modprobe.d/ and the kernel loads both modules itself
 * when networkd creates the first VLAN or bond (the rtnl-link-vlan and
 * rtnl-link-bond module aliases), reading those options: no program is
 * run, and the plan stays files and units. */

#define NETCONF_NETWORK_DIR "/run/systemd/network"
#define NETCONF_MODPROBE_CONF "/run/modprobe.d/nodeinit-bonding.conf"

static int add_network_unit(Planner *P, const char *name, char *content, const char *origin) {
        _cleanup_free_ char *path = NULL;
        int r;

        if (asprintf(&path, NETCONF_NETWORK_DIR "/%s", name) < 0) {
                free(content);
                return -ENOMEM;
        }
        r = planner_add_write(P, path, content, strlen(content), 0644, NULL, origin, SECRET_NO);
        if (r < 0)
                return r;

        PlanUnit *a = reallocarray(P->plan->units, P->plan->n_units + 1, sizeof(PlanUnit));
        if (!a)
                return -ENOMEM;
        P->plan->units = a;
        PlanUnit u = {
                .runtime = true,
                .network = true,
                .command = _UNIT_COMMAND_INVALID,
                .changed = planner_changed(P->plan, path),
                .name = strdup(name),
                .origin = strdup(origin),
                .path = TAKE_PTR(path),
        };
        if (!u.name || !u.origin) {
                plan_unit_done(&u);
                return -ENOMEM;
        }
        P->plan->units[P->plan->n_units++] = u;
        return 0;
}

static int netconf_parse(const PlanInput *in, Netconf *ret, char **reterr) {
        if (streq(in->netconf, "debian")) {
                if (!in->network_config)
                        return reterr_printf(reterr, -ENODATA,
                                             "the datasource has no network configuration (a config drive's "
                                             "meta_data.json network_config.content_path)");
                return netconf_from_debian(in->network_config, in->network_config_size, ret, reterr);
        }
        if (streq(in->netconf, "packet")) {
                if (!in->network_config)
                        return reterr_printf(reterr, -ENODATA,
                                             "the datasource has no network description (Packet's metadata "
                                             "\"network\" object)");
                return netconf_from_packet(in->network_config, ret, reterr);
        }
        if (streq(in->netconf, "vmware")) {
                /* a VMware source without interface keys gives an empty
                 * list: no interface, as in coreos-cloudinit */
                if (!in->network_keys)
                        return reterr_printf(reterr, -ENODATA, "the datasource has no VMware guestinfo interface keys");
                return netconf_from_vmware(in->network_keys, ret, reterr);
        }
        return reterr_printf(reterr, -EINVAL, "unknown network configuration format \"%s\"", in->netconf);
}

int plan_network(Planner *P) {
        const PlanInput *in = P->in;
        _cleanup_(netconf_done) Netconf n = {};
        _cleanup_free_ char *origin = NULL, *err = NULL;
        int r;

        if (!in->netconf)
                return 0;
        if (asprintf(&origin, "-convert-netconf=%s", in->netconf) < 0)
                return -ENOMEM;
        if (in->user_units)
                return planner_issue(P, false, origin,
                                     "networkd units cannot be managed by a user manager; network not configured");

        r = netconf_parse(in, &n, &err);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return planner_issue(P, false, origin, "%s; network not configured",
                                     err ?: "cannot convert the network description");

        const NetconfIface *bond = NULL;
        for (size_t i = 0; i < n.n; i++) {
                _cleanup_free_ char *base = NULL, *name = NULL;
                char *netdev = NULL, *network = NULL;

                r = netconf_filename(n.ifaces + i, &base);
                if (r < 0)
                        return r;
                r = netconf_netdev(&n, i, &netdev);
                if (r < 0)
                        return r;
                if (netdev) {
                        if (asprintf(&name, "%s.netdev", base) < 0) {
                                free(netdev);
                                return -ENOMEM;
                        }
                        r = add_network_unit(P, name, netdev, origin);
                        if (r < 0)
                                return r;
                        name = mfree(name);
                }
                r = netconf_network(&n, i, &network);
                if (r < 0)
                        return r;
                if (asprintf(&name, "%s.network", base) < 0) {
                        free(network);
                        return -ENOMEM;
                }
                r = add_network_unit(P, name, network, origin);
                if (r < 0)
                        return r;

                if (!bond && n.ifaces[i].kind == NETCONF_BOND)
                        bond = n.ifaces + i;
        }

        if (bond) {
                _cleanup_free_ char *params = NULL, *conf = NULL;
                r = netconf_modprobe_params(bond, &params);
                if (r < 0)
                        return r;
                if (params[0]) {
                        if (asprintf(&conf, "# bond options of %s, %s\noptions bonding %s\n", strna(bond->name),
                                     origin, params) < 0)
                                return -ENOMEM;
                        size_t size = strlen(conf);
                        r = planner_add_write(P, NETCONF_MODPROBE_CONF, TAKE_PTR(conf), size, 0644, NULL, origin,
                                              SECRET_NO);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}
