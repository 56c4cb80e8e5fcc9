/* SPDX-License-Identifier: Apache-2.0 */
/* The floor: the exec cost of a program that does nothing. */
int main(void) {
        return 0;
}
