/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdio.h>

#include "apply/discovery.h"

/* `nodeinit discovery check|register`: status, size, member id, the
 * registered peers and the verdict, one "key: value" line each. Peers come
 * from the discovery service, so every value is escaped (basic/escape.h). */
int report_discovery_text(FILE *f, const DiscoveryResult *r);
