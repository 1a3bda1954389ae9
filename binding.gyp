{
  "targets": [
    {
      "target_name": "dcgan_aten",
      "sources": [
        "native/addon.cc",
        "native/allocator.cc",
        "native/binding.cc",
        "native/tensor_table.cc",
        "native/lazy.cc",
        "native/memory.cc",
        "native/elementwise.cc",
        "native/reduce.cc",
        "native/shape.cc",
        "native/conv.cc",
        "native/pool.cc",
        "native/linalg.cc",
        "native/norm.cc",
        "native/image.cc",
        "native/spectral.cc",
        "native/dist.cc"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "<!@(node scripts/find-libtorch.mjs include)"
      ],
      "libraries": [
        "-L<!(node scripts/find-libtorch.mjs lib)",
        "-Wl,-rpath,<!(node scripts/find-libtorch.mjs lib)",
        "-ltorch_cpu",
        "-lc10"
      ],
      "defines": [
        "NAPI_VERSION=8",
        "NAPI_CPP_EXCEPTIONS",
        "_GLIBCXX_USE_CXX11_ABI=<!(node scripts/find-libtorch.mjs cxxabi)"
      ],
      "cflags!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17", "-std=gnu++14"],
      "cflags_cc": ["-std=c++17", "-O2", "-fexceptions", "-frtti", "-Wno-unused-parameter", "-Wno-deprecated-declarations"],
      "conditions": [
        ["<!(node scripts/find-gloo.mjs)==1", {
          "sources": ["native/dist_group.cc"],
          "defines": ["USE_C10D_GLOO", "DCGAN_WITH_GLOO"],
          "libraries": ["-lgloo"]
        }]
      ]
    }
  ]
}
