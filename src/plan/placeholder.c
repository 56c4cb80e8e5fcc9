/* SPDX-License-Identifier: Apache-2.0 */
/* keeps the convenience library non-empty until its stage lands */
extern int nodeinit_plan_placeholder;
int nodeinit_plan_placeholder;
