/* SPDX-License-Identifier: Apache-2.0 */
#include "plan/plan-internal.h"

/* etcd discovery: what the apply stage registers or checks. */

/* The member name and peer address etcd itself will use, so that the check
 * (v2) finds this node's member ID and the registration (0.4) announces what
 * the peers will dial. Values are already substituted ($private_ipv4, ...). */
static int add_discovery(Planner *P, DiscoveryKind kind, const Value *url, const Value *name, const Value *peer,
                         const Value *fallback) {
        PlanDiscovery *n = realloc(P->plan->discovery, sizeof(PlanDiscovery) * (P->plan->n_discovery + 1));
        if (!n)
                return -ENOMEM;
        P->plan->discovery = n;

        PlanDiscovery d = { .kind = kind };
        int r = planner_strdup_value(url, &d.url);
        if (r >= 0)
                r = planner_strdup_value(name, &d.name);
        if (r >= 0 && !d.name) {
                /* etcd 2.x/3.x without ETCD_NAME is called "default" (its
                 * --name default): that is the name it registers under.
                 * etcd 0.4 announces itself under its own name; ours is the
                 * node's entry, keyed by a stable per-machine identity — the
                 * instance id, else the hostname (CoreOS ran etcd 0.4 with
                 * ETCD_NAME=%m, the machine id, which the metadata lacks). */
                const char *fb = kind == DISCOVERY_ETCD2 ? "default" :
                                 P->in->instance_id ?: P->plan->hostname ?: P->in->current_hostname;
                if (fb && !(d.name = strdup(fb)))
                        r = -ENOMEM;
        }
        if (r >= 0 && peer)
                r = planner_strdup_value(peer, &d.peer_addr);
        if (r >= 0 && fallback)
                r = planner_strdup_value(fallback, &d.fallback);
        P->plan->discovery[P->plan->n_discovery++] = d;
        return r;
}

int plan_discovery(Planner *P, const ConfigCloudConfig *cc) {
        const ConfigCoreos *co = &cc->coreos;
        int r = 0;

        /* a section left out (isolation) neither registers nor checks */
        if (co->etcd.discovery.set && co->etcd.discovery.len > 0 && !co->etcd.self.error)
                r = add_discovery(P, DISCOVERY_ETCD, &co->etcd.discovery, &co->etcd.name, &co->etcd.peer_addr, NULL);
        /* etcd2's member ID is derived from initial_advertise_peer_urls: the
         * check needs them to recognise this node among the registered */
        if (r >= 0 && co->etcd2.discovery.set && co->etcd2.discovery.len > 0 && !co->etcd2.self.error)
                r = add_discovery(P, DISCOVERY_ETCD2, &co->etcd2.discovery, &co->etcd2.name,
                                  &co->etcd2.initial_advertise_peer_urls, &co->etcd2.discovery_fallback);
        return r;
}
