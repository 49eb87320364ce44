{
  "targets": [
    {
      "target_name": "meshlet_native",
      "sources": ["src/original_dst.c"],
      "cflags": ["-Wall", "-Wextra", "-O2"]
    }
  ]
}
