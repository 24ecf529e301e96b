"""The claims the lessons make about their experiments hold on other seeds.

Each notebook's experiments run on seeds 0-4 (and a few matrices); the prose under them says
what the printout shows. Those sentences must not be an accident of the seeds chosen: this
test runs the worked solutions and every experiment cell of a source notebook again, in
order, with the seeds replaced by five others, and checks each claim of the prose on the
quantities the experiment cells compute for it (named variables: `dead_at_end`,
`final_accuracy`, ...). It takes minutes: marked slow.
"""
from __future__ import annotations

import numpy as np
import pytest

from notebook_tools import source_notebook
from backprop_lab.notebooks import GIVEN, OTHER, SOLUTION

pytestmark = pytest.mark.slow


def run_lesson(assignment: str, replace: dict[str, str]) -> dict:
    """Run the given code, the worked solutions and the experiment cells of a source notebook
    in one namespace, headless, with each `old` text of `replace` swapped for its `new`."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ns: dict = {"__name__": "__main__"}
    found = {old: 0 for old in replace}
    for cell in source_notebook(assignment).cells:
        if cell.kind not in (GIVEN, SOLUTION, OTHER):
            continue
        source = cell.source
        for old, new in replace.items():
            found[old] += source.count(old)
            source = source.replace(old, new)
        exec(compile(source, f"<{assignment} {cell.kind} {cell.grade_id}>", "exec"), ns)
        plt.close("all")
    missing = [old for old, n in found.items() if n == 0]
    assert not missing, f"{assignment}: the experiments no longer set {missing}"
    return ns


@pytest.fixture(scope="module")
def sigmoid():
    return run_lesson("sigmoid", {"SEEDS = range(5)": "SEEDS = range(5, 10)"})


@pytest.fixture(scope="module")
def relu():
    return run_lesson("relu", {"SEEDS = range(5)": "SEEDS = range(5, 10)"})


@pytest.fixture(scope="module")
def rnn():
    return run_lesson("rnn", {"SEEDS = range(5)": "SEEDS = range(5, 10)",
                              "MATRIX_SEEDS = range(3, 8)": "MATRIX_SEEDS = range(8, 13)"})


def test_sigmoid_flat_training_claims(sigmoid):
    curves, sat = sigmoid["curves"], sigmoid["start_sat"]
    small, ten, hundred, raw = ("initial weights 0.1 * randn", "initial weights 10 * randn",
                                "initial weights 100 * randn", "weights 0.1 * randn, raw inputs x 100")
    # "On every seed the small initialization learns."
    assert np.all(curves[small][:, -1] < 0.01)
    # scale 10: "most (example, unit) pairs start saturated ... and the loss creeps down"
    assert sat[ten].min() > 0.5
    assert np.all(curves[ten][:, -1] < curves[ten][:, 0]) and np.all(curves[ten][:, -1] > 0.3)
    # scale 100: "almost every pair is saturated ... the loss stays where it started"
    assert sat[hundred].min() > 0.9
    assert np.all(curves[hundred][:, 0] - curves[hundred][:, -1] < 0.05 * curves[hundred][:, 0])
    # raw inputs: "starts exactly where the scale-10 run starts, with the same share of saturated
    # pairs, and like that run it stalls far above zero"
    assert np.allclose(curves[raw][:, 0], curves[ten][:, 0])
    assert np.abs(sat[raw] - sat[ten]).max() <= 0.01 and np.all(curves[raw][:, -1] > 0.3)


def test_relu_learning_rate_claims(relu):
    dead, acc, rev = relu["dead_at_end"], relu["accuracy_at_end"], relu["revivals"]
    # "With learning rate 1 at most one unit dies, and every run fits the training set."
    assert dead["ReLU, lr 1"].max() <= 1 and acc["ReLU, lr 1"].min() >= 0.99
    # "by step 1500 every run has lost several of its 16 units ... the accuracy jumps around
    # below 100%"; "revivals ... is 0"
    assert dead["ReLU, lr 3"].min() >= 2 and acc["ReLU, lr 3"].max() < 1.0
    assert rev["ReLU, lr 1"].sum() == rev["ReLU, lr 3"].sum() == 0
    # Lowering at step 750 "stops most of the killing (none or a few on each seed, against
    # the several a run at learning rate 3 loses)", "the accuracy recovers", and no dead unit
    # comes back. (The runs at learning rate 3 are chaotic: which seed loses how many units
    # changes with numpy's version; the claims are what holds on every version tried.)
    lowered = "ReLU, lr 3, then 0.5 from step 750"
    after = relu["died_after_lowering"]
    assert after.max() <= 3 and after.sum() < dead["ReLU, lr 3"].min()
    # "the accuracy recovers on most seeds"
    assert np.sum(acc[lowered] >= 0.95) >= 3 and rev[lowered].sum() == 0
    assert acc[lowered].mean() > acc["ReLU, lr 3"].mean()
    # Leaky ReLU at lr 3: "about as many units off as the ReLU", "on no seed as good as the
    # ReLU at learning rate 1".
    leaky = "Leaky ReLU 0.01, lr 3"
    assert dead[leaky].min() >= 2
    assert acc[leaky].max() < acc["ReLU, lr 1"].min()


def test_relu_dying_mechanism_claims(relu):
    # "A few deaths take a single step ... Most go in two stages ... it lingers".
    assert relu["deaths_sudden"] < relu["deaths_lingering"]
    assert relu["dying"].size == relu["deaths_sudden"] + relu["deaths_lingering"] > 0


def test_relu_prelu_claims(relu):
    slopes, prelu_acc = relu["slopes"], relu["prelu_accuracy"]
    # "On most seeds it ends within a couple of points of the ReLU's accuracy"
    assert np.sum(np.abs(prelu_acc - relu["accuracy_at_end"]["ReLU, lr 1"]) <= 0.03) >= 3
    # "many become negative and some go below -1"; "do not settle near 0.01 or 0.25"
    assert np.mean(slopes < 0) >= 0.3 and np.sum(slopes < -1) >= 1
    assert np.mean(np.abs(slopes - 0.25) < 0.05) < 0.2


def test_rnn_balance_point_claims(rnn):
    # "it moves a lot from one random matrix to the next; sqrt 2 is only a rough middle"
    points = rnn["balance_points"]
    assert points.min() > 0.9 and points.max() < 2.2
    assert points.max() - points.min() > 0.15
    assert points.min() < np.sqrt(2) < points.max() or abs(np.median(points) - np.sqrt(2)) < 0.3


def test_rnn_units_off_claims(rnn):
    # "For a random Gaussian matrix about half of them are off at each step"
    off = rnn["units_off"]
    assert off.min() >= 0.3 and off.max() <= 0.7 and abs(off.mean() - 0.5) < 0.1


def test_rnn_exploding_step_claims(rnn):
    radius = rnn["step_radius"]
    # "On every matrix, one unclipped update ... multiplies the spectral radius by a hundred
    # thousand or more"; "the clipped step: the spectral radius stays at 3"
    assert np.all(radius["without clipping"] >= 3 * 1e5)
    assert np.all(np.abs(radius["with clipping"] - 3) < 0.01)


def test_rnn_clipping_claims(rnn):
    acc, norm = rnn["final_accuracy"], rnn["largest_norm"]
    # "With clipping, every run reaches 100%"
    assert acc["clipped to norm 1, lr 1"].min() >= 0.99
    # "the largest raw norm is above the clipped runs' on every seed"
    assert np.all(norm["no clipping, lr 1"] > norm["clipped to norm 1, lr 1"])
    # "the norms reach tens, not the billions of the single step above"
    assert 10 <= norm["no clipping, lr 1"].max() < 1e3
    # "With the learning rate lowered to 0.3 and no clipping at all, (nearly) every run learns"
    assert np.sum(acc["no clipping, lr 0.3"] >= 0.95) >= 4


def test_rnn_truncation_claims(rnn):
    acc, dropped = rnn["truncated_accuracy"], rnn["dropped"]
    # "with the full gradient every run reaches 100%; with k = 5 or k = 2 most runs fall short"
    assert acc[10].min() >= 0.99
    for k in (2, 5):
        assert np.sum(acc[k] < 0.99) >= 3 and acc[k].mean() < acc[10].mean()
    # "Truncation drops a real part of the gradient"
    assert dropped[2].min() > 0.05 and np.all(dropped[2] >= dropped[5])


@pytest.fixture(scope="module")
def softmax():
    return run_lesson("softmax", {"SEEDS = range(5)": "SEEDS = range(5, 10)"})


def test_softmax_trained_labels_claims(softmax):
    stopped, trained = softmax["distill_end"][False], softmax["distill_end"][True]
    # "The run with trained labels 'wins' on the loss and loses on everything that matters"
    assert np.all(trained["loss"] < stopped["loss"])
    assert np.all(trained["test_acc"] < stopped["test_acc"] - 0.1)
    # "on every seed between 40% and 70% of the labels end up on the wrong digit"
    wrong = 1 - trained["label_acc"]
    assert wrong.min() >= 0.4 and wrong.max() <= 0.7


def test_softmax_planted_bug_claims(softmax):
    errors = softmax["bug_errors"]                  # seeds x (W2, b2, W1, b1, dX)
    correct = errors["correct"]
    relu_bug = errors["bug in the ReLU layer (its cache holds |a|)"]
    loss_bug = errors["bug in the loss layer (probs 3% off)"]
    # "a correct gradient lands below 1e-4, a bug near 1e-2 to 1"
    assert correct.max() < 1e-4
    # the ReLU bug leaves W2 and b2 where the correct pass has them, ruins W1, b1, dX
    assert np.array_equal(relu_bug[:, :2], correct[:, :2])
    assert relu_bug[:, 2:].min() > 0.5
    # the loss bug reaches everything: no error below 1e-2
    assert loss_bug.min() > 1e-2


def test_softmax_training_claims(softmax):
    acc, gap = softmax["digits_acc"], softmax["loss_gap"]
    epochs = max(acc)
    # "near 90% after two epochs and ends between 96% and 99%"
    assert acc[2].min() >= 0.87 and acc[2].max() <= 0.96
    assert acc[epochs].min() >= 0.96 and acc[epochs].max() <= 0.99
    # "the test loss sits a little above the training loss on every seed (0.02 or less)"
    assert gap.min() > 0 and gap.max() <= 0.02


def test_softmax_saliency_and_cost_claims(softmax):
    # "on every network more than half of the saliency lies on pixels without ink"
    assert softmax["off_ink"].min() > 0.5
    # "At 4810 parameters it is thousands of times faster" (timed: a wide margin)
    assert softmax["sizes"][-1] == 4810
    assert softmax["t_num"][-1] / softmax["t_bwd"][-1] > 1000


@pytest.fixture(scope="module")
def lstm():
    return run_lesson("lstm", {"SEEDS = range(5)": "SEEDS = range(5, 10)"})


def test_lstm_gradient_reach_claims(lstm):
    lost, forget = lstm["lost_by_bias"], lstm["forget_by_bias"]
    # A: "the pinned cell loses about three times as many orders of magnitude as the LSTM
    # (about 25 against about 8)"; "the forget gates average about 0.7"
    ratio = lost["pinned"] / lost[1.0]
    assert ratio.min() >= 2.5 and ratio.max() <= 3.5
    assert np.all(np.abs(lost["pinned"] - 25) <= 4) and np.all(np.abs(lost[1.0] - 8) <= 1.5)
    assert np.all(np.abs(forget[1.0] - 0.7) <= 0.05)
    # B: "bias 0: about 19 orders of magnitude on every seed, against about 25 for the pinned
    # cell"; "a bias of 2 (mean gate near 0.85) keeps the gradient within two or three orders"
    assert np.all(np.abs(lost[0.0] - 19) <= 1.5) and np.all(lost[0.0] < lost["pinned"])
    assert np.all(lost[2.0] >= 1.5) and np.all(lost[2.0] <= 3.5)
    assert np.all(np.abs(forget[2.0] - 0.85) <= 0.03)


def test_lstm_first_token_claims(lstm):
    acc, loss = lstm["token_accuracy"], lstm["token_loss_end"]
    # "on every seed the LSTM's loss ends below 0.1 and it classifies new sequences all but
    # perfectly; the pinned cell stays on or a little above the chance line, a coin flip"
    assert loss["lstm"].max() < 0.1 and acc["lstm"].min() >= 0.98
    assert loss["pinned"].min() >= np.log(2) - 0.01 and loss["pinned"].max() < 0.8
    assert np.all(np.abs(acc["pinned"] - 0.5) <= 0.05)


def test_lstm_huber_claims(lstm):
    fits, seeds, share = lstm["line_fits"], lstm["SEEDS"], lstm["outlier_share"]
    for seed in seeds:
        # "The clipped-error fit never moves"
        assert fits["clip the error, then square", seed][:2] == (0.0, 0.0)
        # "the squared error ... the outliers pull the intercept up by about their share
        # times 30 (the intercept 1.5 to 4 too high)"
        c_shift = fits["squared error", seed][1] - 10
        assert 1.5 <= c_shift <= 4
        # "the Huber loss ends close to the true line on every seed (within 0.2)"
        assert fits["Huber loss", seed][2][-1] < 0.2
    assert share.min() >= 0.05 and share.max() <= 0.15
