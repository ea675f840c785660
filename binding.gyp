{
  "targets": [
    {
      "target_name": "tiermem",
      "sources": [
        "native/src/heap.c",
        "native/src/stats.c",
        "native/src/handles.c",
        "native/src/numa.c",
        "native/src/backend_memkind.c",
        "<!@(ls -1 native/store/*.c)",
        "native/napi/util.c",
        "native/napi/heap_api.c",
        "native/napi/store_api.c",
        "native/napi/acl_conf_api.c",
        "native/napi/addon.c"
      ],
      "include_dirs": ["native/include", "native/src", "native/store"],
      "defines": ["NAPI_VERSION=8"],
      "cflags": ["-std=gnu11", "-O2", "-Wall", "-Wextra", "-Wno-unused-parameter", "-fvisibility=hidden", "-flto"],
      "ldflags": ["-flto", "-O2"],
      "libraries": ["-lmemkind", "-lnuma"]
    }
  ]
}
