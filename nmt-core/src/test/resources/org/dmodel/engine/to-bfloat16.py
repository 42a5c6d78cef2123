# Writes to-bfloat16.pt, the TorchScript module LinearPrecisionBench loads to make bfloat16 tensors (DJL 0.33 cannot
# cast to bfloat16 itself). Made with Debian's python3-torch 1.13; libtorch 2.5.1 loads it. Run: python3 to-bfloat16.py
import torch


class ToBfloat16(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.to(torch.bfloat16)


torch.jit.script(ToBfloat16()).save("to-bfloat16.pt")
