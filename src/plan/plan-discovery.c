/* SPDX-License-Identifier: Apache-2.0 */
#include "plan/plan-internal.h"

/* etcd discovery: what the apply stage registers or checks. */

/* etcd 0.4 registers itself under discovery as `<name> = <peer URL>` and
 * reads every other entry as a peer to join, so nodeinit must write exactly
 * the key and value etcd will: then etcd's own registration only refreshes
 * the entry. From etcd v0.4's server/config.go:
 *   - loadEnv() reads every ETCD_* variable through strings.TrimSpace();
 *   - Info() keys the node by strings.TrimSpace(c.Name); CoreOS's
 *     etcd.service sets ETCD_NAME=%m, the machine id, when the
 *     cloud-config names none;
 *   - NewConfig() defaults c.Peer.Addr to "127.0.0.1:7001";
 *   - Sanitize() runs sanitizeURL(c.Peer.Addr, peerTlsConfig.Scheme): the
 *     address must be host:port (net.SplitHostPort), and becomes
 *     url.URL{Host: addr, Scheme: scheme}.String();
 *   - TLSInfo.Config() gives scheme "https" when the peer key and cert
 *     files are both set, else "http";
 * and discovery.go's heartbeat() is client.Set(prefix/name, peer, ttl). */
#define ETCD04_PEER_ADDR_DEFAULT "127.0.0.1:7001"

static char *strdup_trimmed(const char *s, size_t len) {
        while (len > 0 && strchr(" \t\r\n\v\f", s[0])) {
                s++;
                len--;
        }
        while (len > 0 && strchr(" \t\r\n\v\f", s[len - 1]))
                len--;
        return strndup(s, len);
}

static bool value_nonblank(const Value *v) {
        if (!v->set || !v->str)
                return false;
        for (size_t i = 0; i < v->len; i++)
                if (!strchr(" \t\r\n\v\f", v->str[i]))
                        return true;
        return false;
}

/* The machine id of the root being provisioned: what %m expands to there. */
static int read_machine_id(Planner *P, char **ret) {
        _cleanup_(plan_node_done) PlanNode n = {};
        int r;

        r = planner_stat(P, "/etc/machine-id", true, &n);
        if (r < 0)
                return r;
        if (n.kind != PLAN_NODE_REGULAR || !n.content)
                return -ENOENT;

        _cleanup_free_ char *id = strdup_trimmed(n.content, strcspn(n.content, "\n"));
        if (!id)
                return -ENOMEM;
        if (strlen(id) != 32 || id[strspn(id, "0123456789abcdef")] != '\0')
                return -ENOENT; /* "uninitialized" or garbage: systemd has not set it yet */
        *ret = TAKE_PTR(id);
        return 0;
}

/* The peer URL as etcd 0.4's Sanitize() makes it; -EINVAL when etcd itself
 * would refuse the address (not host:port). */
static int etcd04_peer_url(const ConfigEtcd *e, char **ret) {
        _cleanup_free_ char *addr = value_nonblank(&e->peer_addr) ? strdup_trimmed(e->peer_addr.str, e->peer_addr.len)
                                                                   : strdup(ETCD04_PEER_ADDR_DEFAULT);
        if (!addr)
                return -ENOMEM;

        /* net.SplitHostPort: "host:port" or "[v6]:port", no other colon */
        const char *colon = strrchr(addr, ':');
        if (!colon || colon == addr || strpbrk(addr, "/ ") || strchr(colon + 1, ']'))
                return -EINVAL;
        if (addr[0] == '[') {
                if (colon[-1] != ']')
                        return -EINVAL;
        } else if (memchr(addr, ':', colon - addr))
                return -EINVAL;

        bool tls = value_nonblank(&e->peer_cert_file) && value_nonblank(&e->peer_key_file);
        if (asprintf(ret, "%s://%s", tls ? "https" : "http", addr) < 0)
                return -ENOMEM;
        return 0;
}

static int discovery_push(Planner *P, PlanDiscovery *d) {
        PlanDiscovery *n = realloc(P->plan->discovery, sizeof(PlanDiscovery) * (P->plan->n_discovery + 1));
        if (!n)
                return -ENOMEM;
        P->plan->discovery = n;
        P->plan->discovery[P->plan->n_discovery++] = *d;
        *d = (PlanDiscovery) {};
        return 0;
}

static void discovery_done(PlanDiscovery *d) {
        free(d->url);
        free(d->name);
        free(d->peer_addr);
        free(d->fallback);
}

static int plan_etcd04(Planner *P, const ConfigEtcd *e) {
        _cleanup_(discovery_done) PlanDiscovery d = { .kind = DISCOVERY_ETCD };
        int r;

        r = planner_strdup_value(&e->discovery, &d.url);
        if (r < 0)
                return r;

        if (value_nonblank(&e->name))
                d.name = strdup_trimmed(e->name.str, e->name.len);
        else {
                r = read_machine_id(P, &d.name);
                if (r == -ENOENT)
                        return planner_issue(P, true, "coreos.etcd",
                                             "no etcd name and no machine id in /etc/machine-id: etcd 0.4 "
                                             "registers itself with the discovery service; nodeinit does not");
                if (r < 0)
                        return r;
        }
        if (!d.name)
                return -ENOMEM;

        r = etcd04_peer_url(e, &d.peer_addr);
        if (r == -EINVAL)
                return planner_issue(P, false, "coreos.etcd",
                                     "peer_addr is not host:port, which etcd 0.4 refuses: not registered "
                                     "with the discovery service");
        if (r < 0)
                return r;

        return discovery_push(P, &d);
}

/* etcd 2.x/3.x registers itself; nodeinit only checks, and needs the member
 * name and peer URLs etcd will use to recognise this node's member ID.
 * Without ETCD_NAME etcd is called "default" (its --name default). */
static int plan_etcd2(Planner *P, const ConfigEtcd2 *e) {
        _cleanup_(discovery_done) PlanDiscovery d = { .kind = DISCOVERY_ETCD2 };
        int r;

        r = planner_strdup_value(&e->discovery, &d.url);
        if (r >= 0)
                r = planner_strdup_value(&e->name, &d.name);
        if (r >= 0 && !d.name && !(d.name = strdup("default")))
                r = -ENOMEM;
        if (r >= 0)
                r = planner_strdup_value(&e->initial_advertise_peer_urls, &d.peer_addr);
        if (r >= 0)
                r = planner_strdup_value(&e->discovery_fallback, &d.fallback);
        if (r < 0)
                return r;

        return discovery_push(P, &d);
}

int plan_discovery(Planner *P, const ConfigCloudConfig *cc) {
        const ConfigCoreos *co = &cc->coreos;
        int r = 0;

        /* a section left out (isolation) neither registers nor checks */
        if (co->etcd.discovery.set && co->etcd.discovery.len > 0 && !co->etcd.self.error)
                r = plan_etcd04(P, &co->etcd);
        /* etcd2's member ID is derived from initial_advertise_peer_urls: the
         * check needs them to recognise this node among the registered */
        if (r >= 0 && co->etcd2.discovery.set && co->etcd2.discovery.len > 0 && !co->etcd2.self.error)
                r = plan_etcd2(P, &co->etcd2);
        return r;
}
