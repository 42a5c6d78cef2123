# Writes ../resources/org/dmodel/engine/int8-linear.pt, the TorchScript module behind org.dmodel.engine.Int8Linear:
# DJL 0.33 has no quantized operators, so the int8 products run in libtorch through this module (made with Debian's
# python3-torch 1.13; libtorch 2.5.1 loads it). Run from this folder: python3 int8-linear.py
from typing import List, Tuple

import torch

Packed = torch.classes.quantized.LinearPackedParamsBase


class Int8Linear(torch.nn.Module):
    def rows(self, x: torch.Tensor, packed: Packed) -> Tuple[torch.Tensor, torch.Tensor]:
        """x W^T for x (M, K), each row quantized on its own: scaled to [-1, 1], then two extra rows holding 1 and -1
        fix the range libtorch's dynamic quantization sees, whatever the other rows hold. Returns the scaled product
        (M, N) and the row scales (M, 1)."""
        k = x.size(-1)
        m = x.size(0)
        scale = x.abs().amax(1, keepdim=True).clamp_min_(1e-30)
        rows = torch.empty(m + 2, k, dtype=x.dtype, device=x.device)
        torch.div(x, scale, out=rows[:m])
        rows[m].fill_(1.0)
        rows[m + 1].fill_(-1.0)
        return torch.ops.quantized.linear_dynamic(rows, packed, True)[:m], scale

    def forward(self, x: torch.Tensor, packed: Packed) -> torch.Tensor:
        shape: List[int] = list(x.shape[:-1])
        y, scale = self.rows(x.reshape(-1, x.size(-1)), packed)
        shape.append(y.size(1))
        return (y * scale).reshape(shape)

    @torch.jit.export
    def affine(self, x: torch.Tensor, packed: Packed, bias: torch.Tensor) -> torch.Tensor:
        shape: List[int] = list(x.shape[:-1])
        y, scale = self.rows(x.reshape(-1, x.size(-1)), packed)
        shape.append(y.size(1))
        return torch.addcmul(bias, y, scale).reshape(shape)

    @torch.jit.export
    def pack(self, weight: torch.Tensor) -> Packed:
        """W (N, K) quantized to int8, symmetric per output row, packed for the kernels."""
        scale = weight.abs().amax(1).clamp_min(1e-30) / 127.0
        zero = torch.zeros(weight.size(0), dtype=torch.long, device=weight.device)
        q = torch.quantize_per_channel(weight, scale.double(), zero, 0, torch.qint8)
        return torch.ops.quantized.linear_prepack(q, None)


torch.jit.script(Int8Linear()).save("../resources/org/dmodel/engine/int8-linear.pt")
