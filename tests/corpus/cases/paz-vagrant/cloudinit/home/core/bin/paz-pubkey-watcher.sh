#!/bin/bash
set -e
if [[ "$1" == "once" ]]; then
  FN=`mktemp /tmp/paz-pubkey.XXXX`
  until etcdctl get /paz/config/scheduler/_pubkey 2>/dev/null > $FN.tmp; do sleep 2; done && base64 -d < $FN.tmp > $FN && /usr/bin/update-ssh-keys -u core -a paz-scheduler $FN
  rm $FN $FN.tmp
else
  while :; do
    FN=`mktemp /tmp/paz-pubkey.XXXX`
    etcdctl watch /paz/config/scheduler/_pubkey | base64 -d > $FN && /usr/bin/update-ssh-keys -u core -a paz-scheduler $FN;
    rm $FN
  done;
fi
