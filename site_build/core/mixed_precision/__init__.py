"""The mixed-precision page's measurement: float32 against bfloat16 speed in both frameworks."""
