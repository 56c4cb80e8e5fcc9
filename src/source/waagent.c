/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>

#include "basic/fileio.h"
#include "source/source-internal.h"

/* Azure, through the files the Windows Azure Linux Agent leaves behind:
 * <root>/provisioned marks availability, <root>/CustomData is the user-data,
 * <root>/SharedConfig.xml gives this instance's addresses. */

/* Finds the next start tag <name ...> at or after p, before limit. Returns its
 * start, and its end ('>') in *ret_end. */
static const char *xml_find_tag(const char *p, const char *limit, const char *name, const char **ret_end) {
        size_t l = strlen(name);

        while ((p = strchr(p, '<')) && p < limit) {
                if (strneq(p + 1, name, l) && p[1 + l] && strchr(" \t\r\n/>", p[1 + l])) {
                        const char *e = strchr(p, '>');
                        if (!e || e > limit)
                                return NULL;
                        *ret_end = e;
                        return p;
                }
                p++;
        }
        return NULL;
}

/* Value of attr="..." (or '...') inside [tag, end); entities are not decoded:
 * the values we read are names and addresses. */
static char *xml_attr(const char *tag, const char *end, const char *attr) {
        size_t l = strlen(attr);

        for (const char *p = tag; p && p < end; p++) {
                p = strstr(p, attr);
                if (!p || p >= end)
                        return NULL;
                if (!strchr(" \t\r\n", p[-1]) || p[l] != '=' || (p[l + 1] != '"' && p[l + 1] != '\''))
                        continue;
                char q = p[l + 1];
                const char *v = p + l + 2, *ve = strchr(v, q);
                if (!ve || ve > end)
                        return NULL;
                return strndup(v, ve - v);
        }
        return NULL;
}

int waagent_parse_shared_config(const char *xml, Metadata *ret, char **reterr) {
        _cleanup_(metadata_done) Metadata m = {};
        _cleanup_free_ char *instance = NULL;
        const char *limit = xml + strlen(xml), *end, *t;
        int r;

        t = xml_find_tag(xml, limit, "Incarnation", &end);
        if (!t || !(instance = xml_attr(t, end, "instance"))) {
                if (reterr)
                        *reterr = strdup("no <Incarnation instance=...>");
                return -EBADMSG;
        }

        for (const char *p = xml; (t = xml_find_tag(p, limit, "Instance", &end)); p = end) {
                _cleanup_free_ char *id = xml_attr(t, end, "id");
                if (!streq_ptr(id, instance))
                        continue;

                _cleanup_free_ char *addr = xml_attr(t, end, "address");
                if (addr) {
                        r = metadata_set_checked(&m.private_ipv4, addr, metadata_is_ipv4);
                        if (r < 0) {
                                if (reterr && asprintf(reterr, "Instance address \"%.64s\" is not an IPv4 address", addr) < 0)
                                        *reterr = NULL;
                                return r;
                        }
                }

                const char *block_end = strstr(end, "</Instance>") ?: limit;
                for (const char *q = end; (t = xml_find_tag(q, block_end, "Endpoint", &end)); q = end) {
                        _cleanup_free_ char *lb = xml_attr(t, end, "loadBalancedPublicAddress");
                        if (!lb)
                                continue;
                        lb[strcspn(lb, ":")] = 0; /* drop the port */
                        r = metadata_set_checked(&m.public_ipv4, lb, metadata_is_ipv4);
                        if (r < 0) {
                                if (reterr && asprintf(reterr, "loadBalancedPublicAddress \"%.64s\" is not an IPv4 address", lb) < 0)
                                        *reterr = NULL;
                                return r;
                        }
                        break;
                }
                break;
        }

        *ret = m;
        m = (Metadata) {};
        return 0;
}

int source_waagent_fetch(SourceContext *c, const char *root, SourceResult *ret) {
        _cleanup_close_ int dfd = -EBADF;
        _cleanup_free_ char *ud = NULL, *xml = NULL, *err = NULL;
        _cleanup_(metadata_done) Metadata m = {};
        size_t ud_size = 0;
        int r;

        dfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0 || faccessat(dfd, "provisioned", F_OK, 0) < 0) {
                if (errno == ENOENT) {
                        source_fail(c, -ENOENT, "%s/provisioned does not exist yet", root);
                        return -EAGAIN;
                }
                return source_fail(c, -errno, "%s: %m", root);
        }

        r = read_full_file_at(dfd, "CustomData", SOURCE_USER_DATA_MAX_SIZE, &ud, &ud_size);
        if (r < 0 && r != -ENOENT)
                return source_fail(c, r, "%s/CustomData: %s", root, strerror(-r));

        r = read_full_file_at(dfd, "SharedConfig.xml", SOURCE_DOCUMENT_MAX_SIZE, &xml, NULL);
        if (r < 0 && r != -ENOENT)
                return source_fail(c, r, "%s/SharedConfig.xml: %s", root, strerror(-r));
        if (xml) {
                r = waagent_parse_shared_config(xml, &m, &err);
                if (r < 0)
                        return source_fail(c, r, "%s/SharedConfig.xml: %s", root, err ?: strerror(-r));
        }

        source_result_take(ret, &m, &ud, ud_size);
        return 0;
}
