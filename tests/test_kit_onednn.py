"""Reading oneDNN's verbose log and the CPU's flags (kit/onednn.py)."""

from __future__ import annotations

from site_build.core.kit import onednn
from site_build.core.kit.onednn import Kernel

# Lines as oneDNN 3 writes them with ONEDNN_VERBOSE=1, and one of the older format.
LOG = "\n".join(
    [
        "onednn_verbose,v1,info,oneDNN v3.9.0 (commit 0)",
        "onednn_verbose,v1,info,cpu,runtime:OpenMP,nthr:2",
        "onednn_verbose,v1,info,cpu,isa:Intel AVX-512 with float16, Intel DL Boost and bf"
        "loat16 support and Intel AMX with bfloat16 and 8-bit integer support",
        "onednn_verbose,v1,primitive,create:cache_miss,cpu,convolution,brg_conv_fwd:avx51"
        "2_core_amx,forward_training,src:bf16::blocked:acdb::f0 dst:bf16::blocked:acdb::f"
        "0,,alg:convolution_direct,mb32,0.1",
        "onednn_verbose,v1,primitive,exec,cpu,convolution,brg_conv_fwd:avx512_core_amx,fo"
        "rward_training,src:bf16:a:blocked:acdb::f0 wei:bf16:a:blocked:AcdB16b16a2b::f0 d"
        "st:bf16::blocked:acdb::f0,attr-scratchpad:user,alg:convolution_direct,mb32_ic1oc"
        "32,0.5",
        "onednn_verbose,v1,primitive,exec,cpu,convolution,brg_conv_fwd:avx512_core_amx,fo"
        "rward_training,src:bf16:a:blocked:acdb::f0 wei:bf16:a:blocked:AcdB16b16a2b::f0 d"
        "st:bf16::blocked:acdb::f0,attr-scratchpad:user,alg:convolution_direct,mb32_ic1oc"
        "32,0.4",
        "onednn_verbose,v1,primitive,exec,cpu,reorder,jit:uni,undef,src:f32::blocked:abcd"
        "::f0 dst:bf16::blocked:acdb::f0,,,32x1x28x28,0.01",
        "onednn_verbose,exec,cpu,inner_product,brgemm:avx512_core_amx,forward_training,sr"
        "c_bf16::blocked:ab:f0 wei_bf16::blocked:AB16b64a2b:f0,,,mb32ic9216oc1024,0.3",
        "some other line,exec,cpu,convolution,ignored",
    ]
)


def test_the_onednn_log_gives_each_kernel_its_calls_and_input_type():
    kernels, version = onednn.parse_log(LOG)
    assert version == "3.9.0"
    assert kernels == [
        Kernel("convolution", "brg_conv_fwd:avx512_core_amx", "bf16", 2),  # not the create
        Kernel("inner_product", "brgemm:avx512_core_amx", "bf16", 1),  # the older format
        Kernel("reorder", "jit:uni", "f32", 1),
    ]


def test_a_log_without_onednn_lines_gives_no_kernels():
    assert onednn.parse_log("2026-12-06 I tensorflow ...\nloss 0.3\n") == ([], "")


def test_cpu_flags_keeps_those_the_page_names_in_their_order(tmp_path):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text(
        "processor\t: 0\nflags\t\t: fpu sse amx_int8 avx512_bf16 avx2 amx_bf16\n"
        "processor\t: 1\nflags\t\t: fpu sse amx_int8 avx512_bf16 avx2 amx_bf16\n"
    )
    assert onednn.cpu_flags(cpuinfo) == ["avx512_bf16", "amx_bf16", "amx_int8"]
    assert onednn.cpu_flags(tmp_path / "missing") == []


def test_reorders_copy_and_only_amx_implementations_count_as_amx():
    reorder = Kernel("reorder", "jit:uni", "bf16", 1)
    conv = Kernel("convolution", "brg_conv_fwd:avx512_core_amx", "u8", 1)
    assert not reorder.computes and not reorder.amx
    assert conv.computes and conv.amx
    assert not Kernel("matmul", "brg_matmul:avx512_core_bf16", "bf16", 1).amx
