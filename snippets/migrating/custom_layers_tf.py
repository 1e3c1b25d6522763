"""Custom Keras layers and their configuration on Keras 3: what a .keras file records.

Shown on docs/*/migrating.md next to custom_layers_torch.py (what a state_dict keeps).

>>> import tempfile
>>> import numpy as np
>>> workdir = tempfile.TemporaryDirectory()

# --8<-- [start:config-checks]
>>> Scale(3.0).get_config()["factor"]  # filled in by Keras 3
3.0
>>> model = keras.Sequential([keras.Input((2,)), Scale(3.0)])
>>> model.save(f"{workdir.name}/scale.keras")
>>> keras.models.load_model(f"{workdir.name}/scale.keras").layers[0].factor
3.0
>>> Lookup(np.ones(2)).get_config()
Traceback (most recent call last):
...
NotImplementedError:...must override `get_config()`...

# --8<-- [end:config-checks]
"""

# --8<-- [start:config]
import keras


@keras.saving.register_keras_serializable(package="migrating")
class Scale(keras.layers.Layer):
    def __init__(self, factor, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor  # a plain number: Keras 3 records it

    def call(self, inputs):
        return inputs * self.factor


class Lookup(keras.layers.Layer):
    def __init__(self, table, **kwargs):
        super().__init__(**kwargs)
        self.table = table  # an array: Keras 3 cannot record it

    def call(self, inputs):
        return inputs


# --8<-- [end:config]
