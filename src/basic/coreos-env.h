/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* The environment variables that carry the node's addresses, as
 * coreos-cloudinit names them: substitution reads them when metadata has no
 * value, and the planner writes them to /etc/environment. */
#define COREOS_ENV_PUBLIC_IPV4 "COREOS_PUBLIC_IPV4"
#define COREOS_ENV_PRIVATE_IPV4 "COREOS_PRIVATE_IPV4"
#define COREOS_ENV_PUBLIC_IPV6 "COREOS_PUBLIC_IPV6"
#define COREOS_ENV_PRIVATE_IPV6 "COREOS_PRIVATE_IPV6"
