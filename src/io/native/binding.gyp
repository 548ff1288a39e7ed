{
  "targets": [
    {
      "target_name": "v6io",
      "sources": ["addon.c", "sockets.c"],
      "cflags": ["-std=gnu11", "-Wall", "-Wextra", "-Werror"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
