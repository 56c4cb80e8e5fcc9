/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdint.h>

#include "basic/macro.h"

/* coreos-cloudinit's -convert-netconf (its network package): a datasource's
 * network description (a Debian interfaces file, Packet's "network" object,
 * VMware's guestinfo interface keys) becomes a list of interfaces, which
 * render to systemd-networkd units byte for byte as coreos-cloudinit wrote
 * them. Pure functions: no I/O. */

typedef enum NetconfKind {
        NETCONF_PHYSICAL,
        NETCONF_BOND,
        NETCONF_VLAN,
        _NETCONF_KIND_MAX,
        _NETCONF_KIND_INVALID = -EINVAL,
} NetconfKind;

/* coreos-cloudinit's InterfaceGenerator.Type() */
const char *netconf_kind_to_string(NetconfKind k) _const_;
NetconfKind netconf_kind_from_string(const char *s) _pure_;

typedef enum NetconfMethod {
        NETCONF_METHOD_NONE,    /* no configuration at all (Go's nil) */
        NETCONF_METHOD_MANUAL,
        NETCONF_METHOD_STATIC,
        NETCONF_METHOD_DHCP,
        _NETCONF_METHOD_MAX,
        _NETCONF_METHOD_INVALID = -EINVAL,
} NetconfMethod;

typedef struct NetconfRoute {
        char *destination;      /* "0.0.0.0/0", as Go prints a net.IPNet */
        char *gateway;
} NetconfRoute;

typedef struct NetconfIface {
        NetconfKind kind;
        char *name;             /* NULL: matched by hwaddr only (VMware) */
        char *hwaddr;           /* [Match] MACAddress=, the file name without a name */
        NetconfMethod method;
        char *method_hwaddr;    /* "hwaddress ether": a VLAN netdev's MACAddress= */
        char **addresses;       /* static: "10.0.0.100/24" */
        char **nameservers;
        char **domains;
        NetconfRoute *routes;
        size_t n_routes;
        size_t *children;       /* interfaces stacked on this one (indexes) */
        size_t n_children;
        unsigned depth;         /* the file name's NN: how many levels stack on it */
        char **slaves;          /* bond */
        char **bond_options;    /* bond: key, value, ... sorted by key */
        int64_t vlan_id;        /* vlan */
        char *raw_device;       /* vlan: NULL when not named */
} NetconfIface;

/* The interfaces in the order their units are written. */
typedef struct Netconf {
        NetconfIface *ifaces;
        size_t n;
} Netconf;

void netconf_iface_done(NetconfIface *i);
void netconf_done(Netconf *n);

/* Parsers. -EBADMSG with a message in *reterr (coreos-cloudinit's words,
 * naming the source field) for a description that cannot be converted;
 * -ENOMEM. */
int netconf_from_debian(const char *text, size_t size, Netconf *ret, char **reterr);
/* keys: alternating key, value without "guestinfo." (Metadata.network_keys). */
int netconf_from_vmware(char * const *keys, Netconf *ret, char **reterr);
/* json: Packet's metadata "network" object. */
int netconf_from_packet(const char *json, Netconf *ret, char **reterr);

/* "<NN>-<name>": NN the depth in two hex digits, name the interface's, else
 * its MAC address. */
int netconf_filename(const NetconfIface *i, char **ret);
/* The .netdev unit; *ret NULL when there is none (a physical interface). */
int netconf_netdev(const Netconf *n, size_t i, char **ret);
/* The .network unit (always one). coreos-cloudinit's .link units were always
 * empty, hence never written: there is no renderer for them. */
int netconf_network(const Netconf *n, size_t i, char **ret);
/* A bond's options as modprobe arguments ("miimon=100 mode=4"), "" for the
 * others. */
int netconf_modprobe_params(const NetconfIface *i, char **ret);

/* Helpers shared by the parsers (netconf.c). */

/* Go's net.ParseIP() and IP.String(): IPv4 dotted, else RFC 5952 text.
 * *ret_v4 says whether the address is an IPv4 one (mapped ones included). */
int netconf_parse_ip(const char *s, uint8_t ret[16], bool *ret_v4);
int netconf_ip_string(const uint8_t ip[16], bool v4, char **ret);
/* The two above in one: s as Go prints the address it parses; -EINVAL when
 * it is not one. */
int netconf_ip_text(const char *s, char **ret);
/* A net.IPNet as Go prints it: the address (not masked) "/" the prefix
 * length. mask is 4 or 16 bytes. -EINVAL where Go printed "<nil>" (an IPv6
 * address with an IPv4 mask) or a hex mask (not contiguous). */
int netconf_ipnet_string(const uint8_t ip[16], bool v4, const uint8_t *mask, size_t mask_len, char **ret);
/* Go's net.ParseCIDR(): the address, and the network (masked) as a string. */
int netconf_parse_cidr(const char *s, uint8_t ret_ip[16], bool *ret_v4, unsigned *ret_prefix, char **ret_network);
/* Go's net.ParseMAC() and HardwareAddr.String(): 6, 8 or 20 octets. */
int netconf_parse_mac(const char *s, char **ret);

NetconfIface *netconf_add(Netconf *n, NetconfKind kind, const char *name);
ssize_t netconf_find(const Netconf *n, const char *name) _pure_;
int netconf_add_route(NetconfIface *i, const char *destination, const char *gateway);
/* Links every VLAN to its raw device and every bond to its slaves (in name
 * order), then sets the depths from the interfaces nothing stacks on.
 * -ELOOP (with *reterr) when they stack in a circle. */
int netconf_link(Netconf *n, char **reterr);
/* Sorts the interfaces by name, as coreos-cloudinit wrote them: before
 * netconf_link(), which lists children in this order (-EBUSY after). */
int netconf_sort(Netconf *n);
