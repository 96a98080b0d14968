"""Parameters and image tokens of the vision side of vision-language models, from their config.json.

Counted tensor by tensor as transformers builds the modules:
- Qwen2.5-VL (`modeling_qwen2_5_vl.py`): Conv3d patch embedding without bias; `depth` ViT blocks with two
  RMSNorms, fused qkv and proj with biases, a gated (SwiGLU) MLP with biases; a patch merger (RMSNorm, then
  Linear(h*m^2 -> h*m^2) and Linear(h*m^2 -> LM width), both with bias). Images enter the LM's context:
  one token per 28x28 pixels (14-pixel patches merged 2x2).
- Llama 3.2 Vision (`modeling_mllama.py`): Conv2d patch embedding without bias, class embedding, gated
  position and tile embeddings, LayerNorms with bias, a 32-layer local and an 8-layer gated global
  encoder (q/k/v/o without bias, GELU MLP with biases), a projector Linear(vision_output_dim -> LM width);
  in the text stack, cross-attention layers add q/k norms and two gates, and the input embedding holds 8
  extra rows for image tokens. Images are read through cross-attention: per image, max_num_tiles x
  (patches + 1) vision states are cached per cross-attention layer, not placed in the self-attention context.
"""

from __future__ import annotations


def vision_extra(config: dict) -> tuple[int, str, int, int]:
    """(parameters outside the text stack, what they are, vision states per image, cross-attention layers)
    for a VLM config; zeros otherwise."""
    model_type = str(config.get("model_type") or "")
    vc = config.get("vision_config")
    if not isinstance(vc, dict):
        return 0, "", 0, 0
    if model_type == "qwen2_5_vl":
        return (_qwen_vl(vc), "vision encoder (ViT + patch merger), counted from vision_config; each image adds "
                "one context token per 28x28 pixels (1,369 for 1036x1036)", 0, 0)
    if model_type == "mllama":
        text = config.get("text_config") or {}
        tokens = int(vc.get("max_num_tiles", 4)) * ((int(vc.get("image_size", 560)) // int(vc.get("patch_size", 14))) ** 2 + 1)
        cross = len(text.get("cross_attention_layers") or [])
        return (_mllama(vc, text), "vision encoder + projector + cross-attention extras, counted from the config",
                tokens, cross)
    return 0, "", 0, 0


def _qwen_vl(vc: dict) -> int:
    h = int(vc.get("hidden_size") or vc.get("embed_dim"))
    inter = int(vc.get("intermediate_size") or 4 * h)
    depth = int(vc["depth"])
    patch = int(vc.get("patch_size", 14))
    merge = int(vc.get("spatial_merge_size", 2))
    out = int(vc.get("out_hidden_size") or vc.get("hidden_size"))
    patch_embed = int(vc.get("in_chans", 3)) * int(vc.get("temporal_patch_size", 2)) * patch * patch * h
    attn = h * 3 * h + 3 * h + h * h + h
    mlp, norms = 2 * (h * inter + inter) + inter * h + h, 2 * h  # SwiGLU MLP with biases, RMSNorms
    wide = h * merge * merge
    merger = h + wide * wide + wide + wide * out + out
    return patch_embed + depth * (attn + mlp + norms) + merger


def _mllama(vc: dict, text: dict) -> int:
    h = int(vc.get("hidden_size", 1280))
    inter = int(vc.get("intermediate_size", 5120))
    patch = int(vc.get("patch_size", 14))
    patches = (int(vc.get("image_size", 560)) // patch) ** 2 + 1
    tiles = int(vc.get("max_num_tiles", 4))
    aspect_ids = len(vc.get("supported_aspect_ratios") or [[1, 1]] * 8) + 1
    layer = 4 * h * h + (h * inter + inter + inter * h + h) + 2 * 2 * h  # attn, MLP, 2 LayerNorms
    vision = (3 * patch * patch * h + h  # patch conv, class embedding
              + patches * h + 1 + aspect_ids * tiles * patches * h  # gated position + tile embeddings
              + 2 * (aspect_ids * tiles * h + 1)  # pre/post tile position embeddings with gates
              + 2 * 2 * h  # layernorm_pre, layernorm_post
              + int(vc.get("num_hidden_layers", 32)) * layer + int(vc.get("num_global_layers", 8)) * (layer + 2))
    th = int(text.get("hidden_size", 4096))
    projector = int(vc.get("vision_output_dim", 7680)) * th + th
    head_dim = th // int(text.get("num_attention_heads", 32))
    cross = len(text.get("cross_attention_layers") or []) * (2 * head_dim + 2)
    return vision + projector + cross + 8 * th
