function nse() {
  docker exec -it $1 bash
}
