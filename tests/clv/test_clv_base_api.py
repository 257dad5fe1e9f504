"""The estimator protocol of the CLV models (issue 22 point 4), penalised fits (issue 23) and
what-if predictions (issue 18): hyper-parameters through get_params/set_params so that
``sklearn.base.clone`` works, fitted parameters through ``from_params``, the penalizer checked at
fit, and P(alive) / expected purchases over a whole (frequency, recency) grid."""

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from crmlib.clv import BetaGeo, ModifiedBetaGeo, ParetoNBD, ShiftedBetaGeo
from crmlib.exceptions import ConvergenceError, DataError, NotFittedError

from clv_published import SURVIVAL_REGULAR, survival_to_cohort

CDNOW_BG = dict(r=0.243, alpha=4.414, a=0.793, b=2.426)  # FHL 2005
CDNOW_PARETO = dict(r=0.553, alpha=10.578, s=0.606, beta=11.669)  # Fader & Hardie 2005 note


@pytest.fixture(scope="module")
def small_data(cdnow_summary, cdnow_spend, donations):
    from crmlib.clv import BetaGeoBetaBinom, GammaGamma
    return {BetaGeo: cdnow_summary, ModifiedBetaGeo: cdnow_summary, ParetoNBD: cdnow_summary,
            BetaGeoBetaBinom: donations, GammaGamma: cdnow_spend,
            ShiftedBetaGeo: survival_to_cohort(SURVIVAL_REGULAR, 7)}


# ---------------------------------------------------------------- hyper-parameters (issue 22)

def test_clone_copies_hyper_parameters_not_the_fit(model_class, small_data):
    """sklearn.base.clone(BetaGeo(penalizer=0.1)) raised (set_params set fitted parameters);
    now every model clones: same hyper-parameters, a new unfitted object."""
    model = model_class(penalizer=0.1)
    assert model.get_params() == {"penalizer": 0.1}
    twin = clone(model)
    assert type(twin) is model_class and twin is not model and twin.get_params() == {"penalizer": 0.1}
    fitted = model_class().fit(small_data[model_class])
    fresh = clone(fitted)
    assert not hasattr(fresh, "params_") and fresh.get_params() == {"penalizer": 0.0}
    with pytest.raises(NotFittedError):
        fresh.check_fitted()
    fitted.check_fitted()  # public, and quiet on a fitted model


def test_set_params_changes_hyper_parameters_and_points_to_from_params(model_class):
    model = model_class()
    assert model.set_params(penalizer=0.2) is model and model.penalizer == 0.2
    first = model_class.param_names[0]
    with pytest.raises(DataError, match=rf"unknown hyper-parameter\(s\) \['{first}'\].*from_params"):
        model.set_params(**{first: 1.0})


@pytest.mark.parametrize("penalizer", [-5, -1e-9, np.nan, np.inf, "0.1", True])
def test_fit_refuses_a_bad_penalizer(model_class, small_data, penalizer):
    """BetaGeo(penalizer=-5) was accepted and fitted (a negative penalty rewards large
    parameters); fit now refuses it before reading the data, naming the value."""
    with pytest.raises(DataError, match=r"penalizer=.*must be a finite number >= 0"):
        model_class(penalizer=penalizer).fit(small_data[model_class])


def test_from_params_sets_fitted_parameters(model_class):
    values = {p: 0.5 + i for i, p in enumerate(model_class.param_names)}
    model = model_class.from_params(**values)
    assert model.params_.to_dict() == values and model.get_params() == {"penalizer": 0.0}
    same = model_class.from_params(pd.Series(values))
    pd.testing.assert_series_equal(same.params_, model.params_)
    assert model.summary["se"].isna().all() and "from_params" in model.summary.attrs["note"]
    assert "set by hand" in repr(model) and "set by hand" in model._repr_html_()
    with pytest.raises(DataError, match="missing"):
        model_class.from_params(**dict(list(values.items())[1:]))
    with pytest.raises(DataError, match="unknown"):
        model_class.from_params(**values, penalizer=0.1)
    with pytest.raises(DataError, match="finite and positive"):
        model_class.from_params(**{**values, model_class.param_names[0]: 0.0})


def test_a_model_pickled_before_the_note_existed_still_loads_and_predicts(cdnow_summary):
    """A fitted model pickled by the previous version has no ``se_note_``: it unpickles,
    summarises and predicts as before."""
    model = BetaGeo().fit(cdnow_summary)
    old = pickle.loads(pickle.dumps(model))
    del old.__dict__["se_note_"]
    again = pickle.loads(pickle.dumps(old))
    assert "note" not in again.summary.attrs
    pd.testing.assert_frame_equal(again.summary, model.summary)
    pd.testing.assert_series_equal(again.probability_alive(cdnow_summary), model.probability_alive(cdnow_summary))


# ---------------------------------------------------------------- penalised fits (issue 23)

@pytest.mark.parametrize("cls", [BetaGeo, ModifiedBetaGeo, pytest.param(ParetoNBD, marks=pytest.mark.slow)])
def test_strong_penalizer_returns_shrunk_parameters(cls, cdnow_summary):
    """lifetimes' tests fit CDNOW with penalizer_coef=10; crmlib refused with "Hessian not
    positive definite" (its Hessian left the penalty unscaled). A penalised fit now returns
    parameters, shrunk further as the penalty grows (lifetimes' own check), with a note."""
    fits = [cls(penalizer=pen).fit(cdnow_summary) for pen in (0.0, 0.1, 10.0)]
    plain, light, strong = (f.params_.to_numpy() for f in fits)
    assert np.all(light < plain) and np.all(strong < light)
    assert fits[0].se_note_ is None and "note" not in fits[0].summary.attrs
    note = fits[2].summary.attrs["note"]
    assert "penalizer=10" in note
    se = fits[2].summary["se"]
    assert (se > 0).all() or (se.isna().all() and "unavailable" in note)


def test_penalised_fit_with_an_unusable_hessian_keeps_its_estimates(cdnow_summary, monkeypatch):
    """When the Hessian of a penalised fit is not positive definite, the estimates stand and
    the standard errors are NaN with a note saying why; an unpenalised fit still fails."""
    import crmlib.clv._base as base
    real = base.BaseModel._covariance

    def not_positive_definite(self, *args):
        real(self, *args)
        self._se_log = np.full(len(self.param_names), np.nan)

    monkeypatch.setattr(base.BaseModel, "_covariance", not_positive_definite)
    model = BetaGeo(penalizer=10).fit(cdnow_summary)
    assert (model.params_ > 0).all()
    summary = model.summary
    assert summary[["se", "lower", "upper"]].isna().all().all()
    assert "standard errors unavailable" in summary.attrs["note"] and "penalizer=10" in summary.attrs["note"]
    assert "standard errors unavailable" in model._repr_html_()
    assert model.probability_alive(cdnow_summary).between(0, 1).all()
    with pytest.raises(ConvergenceError, match="Hessian not positive definite"):
        BetaGeo().fit(cdnow_summary)


# ---------------------------------------------------------------- what-if grids (issue 18)

def _grid(T=39.0):
    """Every (frequency, recency) of the papers' P(alive) matrix: frequency 0..30, recency
    0..T, including frequency 0 at recency > 0 and frequency > 0 at recency 0."""
    x, tx = np.meshgrid(np.arange(31.0), np.linspace(0.0, T, 40), indexing="ij")
    return pd.DataFrame({"frequency": x.ravel(), "recency": tx.ravel(), "T": T})


def _fhl_p_alive(p, x, tx, T):
    """FHL (2005) eq. 11, written out independently of crmlib."""
    r, alpha, a, b = p["r"], p["alpha"], p["a"], p["b"]
    odds = np.where(x > 0, a / (b + x - 1) * ((alpha + T) / (alpha + tx)) ** (r + x), 0.0)
    return 1 / (1 + odds)


@pytest.mark.parametrize("cls, params", [(BetaGeo, CDNOW_BG), (ModifiedBetaGeo, CDNOW_BG),
                                         (ParetoNBD, CDNOW_PARETO)], ids=["BG", "MBG", "Pareto"])
def test_p_alive_and_expected_purchases_over_a_full_grid(cls, params):
    """The input check refused the grid (frequency 0 with recency > 0); now every point is
    predicted: P(alive) in [0, 1] and rising with recency at each frequency, conditional
    expected purchases finite and non-negative; fit still refuses such a grid as data."""
    model = cls.from_params(**params)
    grid = _grid()
    alive = model.probability_alive(grid)
    expected = model.expected_purchases(52, grid)
    assert alive.between(0, 1).all() and np.isfinite(expected).all() and (expected >= 0).all()
    matrix = alive.to_numpy().reshape(31, 40)
    assert np.all(np.diff(matrix[1:], axis=1) >= -1e-12)  # a later last purchase: more likely alive
    assert np.all(expected.to_numpy().reshape(31, 40)[1:, -1] > 0)
    if cls is BetaGeo:
        np.testing.assert_allclose(alive, _fhl_p_alive(params, grid["frequency"], grid["recency"], grid["T"]),
                                   rtol=1e-12)
        assert (matrix[0] == 1).all()  # BG/NBD: no repeat purchase, no chance to drop out
    with pytest.raises(DataError, match="recency == 0 when frequency == 0"):
        cls().fit(grid)
