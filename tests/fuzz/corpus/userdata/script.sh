#!/bin/sh
echo $private_ipv4 \$public_ipv4
