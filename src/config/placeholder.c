/* SPDX-License-Identifier: Apache-2.0 */
extern int nodeinit_config_placeholder;
int nodeinit_config_placeholder;
