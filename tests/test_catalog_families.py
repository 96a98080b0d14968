"""The catalog covers the families people ask about, reads their layouts right, and knows their names."""

from __future__ import annotations

import pytest

from tools.lookup import lookup_model
from tools.models import all_specs, get_model
from tools.params import count_params


def test_catalog_has_150_models_and_the_families_people_ask_about():
    ids = {s.id for s in all_specs()}
    assert len(ids) >= 150
    for needed in ["chatglm3-6b", "glm-4-9b", "glm-4-9b-chat-1m", "glm-4-32b-0414", "internlm2.5-7b", "internlm2.5-20b",
                   "internlm3-8b", "baichuan2-7b", "baichuan2-13b", "yi-1.5-6b", "yi-1.5-9b", "yi-1.5-34b", "minicpm-2b",
                   "minicpm3-4b", "deepseek-v2.5", "deepseek-r1-distill-qwen-1.5b", "deepseek-r1-distill-qwen-7b",
                   "deepseek-r1-distill-llama-8b", "deepseek-r1-distill-qwen-14b", "deepseek-r1-distill-qwen-32b",
                   "deepseek-r1-distill-llama-70b", "qwen2.5-vl-7b", "qwen3-30b-a3b", "qwen3-coder-30b-a3b",
                   "llama-3.2-11b-vision", "llama-3.2-90b-vision", "phi-4-mini", "gpt2", "opt-6.7b", "pythia-6.9b",
                   "mpt-7b", "falcon-40b", "gpt-j-6b"]:
        assert needed in ids, needed


@pytest.mark.parametrize("typed,expected", [
    ("llama3 70b", "llama-3-70b"), ("qwen 2.5 72b instruct", "qwen2.5-72b"), ("GLM4-9B", "glm-4-9b"),
    ("ds v3", "deepseek-v3"), ("r1 32b", "deepseek-r1-distill-qwen-32b"), ("通义千问72B", "qwen2.5-72b"),
    ("深度求索V3", "deepseek-v3"), ("InternLM3-8B-Instruct", "internlm3-8b"), ("Baichuan2-13B-Chat", "baichuan2-13b"),
    ("Yi-1.5-34B-Chat", "yi-1.5-34b"), ("meta-llama/Llama-3.2-11B-Vision-Instruct", "llama-3.2-11b-vision"),
    ("THUDM/glm-4-9b-chat", "glm-4-9b"), ("Qwen/Qwen2.5-VL-7B-Instruct", "qwen2.5-vl-7b"), ("书生浦语2.5 7b", "internlm2.5-7b"),
    ("百川2 13b", "baichuan2-13b"), ("deepseek-ai/DeepSeek-V2.5", "deepseek-v2.5"), ("phi-4-mini-instruct", "phi-4-mini"),
])
def test_names_as_people_type_them(typed, expected):
    assert get_model(typed).id == expected


def test_chatglm_layout_is_read_from_its_own_keys():
    glm = get_model("glm-4-9b")
    assert (glm.num_layers, glm.num_kv_heads, glm.head_dim, glm.vocab_size, glm.max_context) == (40, 2, 128, 151552, 131072)
    assert glm.qkv_bias and not glm.attn_out_bias and not glm.tie_embeddings
    assert get_model("glm-4-9b-chat-1m").num_kv_heads == 4  # 1M variant: multi_query_group_num 4


def test_older_layouts():
    opt = get_model("opt-6.7b")
    assert opt.learned_positions == 2050 and opt.tie_embeddings and opt.mlp == "plain"  # OPT's position offset of 2
    assert get_model("gpt-j-6b").norms_per_layer == 1 and get_model("gpt-j-6b").lm_head_bias
    mpt = get_model("mpt-7b")
    assert mpt.intermediate_size == 4 * 4096 and not mpt.mlp_bias and mpt.max_context == 2048
    assert get_model("pythia-1b").qkv_bias and get_model("phi-2").norms_per_layer == 1


def test_qwen25_vl_vision_tower_is_counted_from_its_config():
    """ViT width 1280, 32 blocks, MLP 3420, 14-px patches x 2 frames, 2x2 merger into 3584 (Qwen2.5-VL-7B), by hand:
    patch conv 3*2*14*14*1280 = 1,505,280; per block qkv 1280*3840+3840, proj 1280^2+1280, gated MLP
    2*(1280*3420+3420)+3420*1280+1280, two RMSNorms 2560 -> 19,702,200 x 32 = 630,470,400;
    merger: RMSNorm 1280, 5120*5120+5120, 5120*3584+3584 -> 44,574,464. Total 676,550,144."""
    vl = get_model("qwen2.5-vl-7b")
    assert vl.extra_params == 676_550_144
    assert count_params(vl).total == count_params(get_model("qwen2.5-7b")).total + 676_550_144


def test_llama_vision_counts_tiles_as_cross_attention_states():
    v = get_model("llama-3.2-11b-vision")
    assert v.image_tokens_per_image == 4 * ((560 // 14) ** 2 + 1)  # 4 tiles x 1,601 patch states
    assert v.cross_attention_layers == 8
    from tools.memory import MemoryRequest, estimate_memory

    # K and V: 6,404 states x 8 layers x 2 x 8 KV heads x 128 dims x 2 bytes = 209,846,272 B = 200 MiB per image
    notes = estimate_memory(MemoryRequest(model="llama-3.2-11b-vision")).notes
    assert any(n.startswith("Each image adds 200 MiB of cross-attention KV cache") for n in notes)
    assert count_params(v).total / 1e9 == pytest.approx(10.67, abs=0.05)


def test_lookup_model_names_the_model_it_chose():
    info = lookup_model("r1 32b")
    assert info.model == "DeepSeek-R1-Distill-Qwen-32B" and info.model_id == "deepseek-r1-distill-qwen-32b"
    generic = lookup_model("SomeNewModel-12B")
    assert generic.spec.approximate and "not in the catalog" in generic.notes[0]


def test_models_command_lists_the_catalog(capsys):
    from advisor.cli import main

    assert main(["models"]) == 0
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines()[1:] if line and not line.startswith(tuple("0123456789"))]
    assert len(rows) >= 150
    for family_member in ("glm-4-9b ", "internlm3-8b ", "baichuan2-13b ", "yi-1.5-34b ", "minicpm3-4b ", "gpt-oss-120b "):
        assert any(r.startswith(family_member) for r in rows), family_member
    assert any(r.startswith("gpt-oss-120b ") and "mxfp4" in r for r in rows)
