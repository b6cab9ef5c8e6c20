
# --- appended by the forge test to an honest wrong answer (the seed's unsafe Lambda) ---
# A model that safe mode cannot load, plus a load_model that hands back the model saved
# last, so "after reload" equals "before" inside the worker. The grading process reads the
# saved file itself and finds the lambda.
import keras as _keras

_last = []
_real_save = _keras.Model.save


def _save(self, path, *args, **kwargs):
    _last.append(self)
    return _real_save(self, path, *args, **kwargs)


_keras.Model.save = _save
_keras.saving.load_model = lambda *args, **kwargs: _last[-1]
_keras.models.load_model = _keras.saving.load_model
