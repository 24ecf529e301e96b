"""An eleventh held-out catalogue of wrong implementations (issue #27), written blind.

Written on 2026-12-07 (18:30-19:40 UTC) by helper blind11, which did not read the checks,
the explainer, the detectors, their tests, the docs about feedback wording, the grader's
messages, any grader output, git log messages or diffs, docs/MEASUREMENTS.md or the reader
reports. It read only bench/catalogue_heldout*.py (1 to 10, for the format and to avoid
their slips), the docstring of bench/feedback_catalogue.py, the graded functions'
signatures, docstrings and worked solution cells, and /work/shared/CURRICULUM.md. It was
committed before any entry was run through the grader (no feedback_catalogue run, no test
cell, no pytest, no grading CLI). Each entry was checked only against the worked solutions,
with a throwaway script: it runs, returns float64 outputs of the right shapes, and differs
from the worked solution by more than 3% somewhere, on seeds 0 to 3 (on seeds 0 to 7 one
entry, dn11_always_active, gives the right fraction on two seeds, where as many units are
always active as are dead).

    python bench/feedback_catalogue.py bench/catalogue_heldout11.py

Each entry is a whole wrong solution cell for one graded function, written the way a student
slips, and each is a slip that none of the ten earlier held-out catalogues has. This round
leans towards slips inside the bodies of the longer backward passes: in the LSTM step the
gate gradients stacked along the batch axis, block offsets k instead of k*H, the input gate
overwritten in place by its local gradient, the forget gate applied before the split to the
gates, the candidate's gradient built from di, the carried dnext_c put inside the output
gate's parenthesis, 1 - f where f belongs, next_c recomputed without i*g, g taken for
tanh(next_c); in the LSTM sequence dh0 summed over the steps, a two-pass loop giving each
step the carry it sends back, the last step's cache used at every step, dh pre-multiplied
by the output gate, dnext_h and dnext_c passed in each other's place; in the RNN the carry
guard off by one, the carry summed over the batch, db taken from dWh, dWhh built from the
gradient sent back, the deltas zipped in the wrong time order; in the softmax network the
mask averaged over the batch, a ReLU applied to X in dW1, the one-hot shortcut in the hidden
path only, the 1/N applied after the second layer, b2 added to the backward signal; and in
the loss the max shift in the numerator only, an unweighted sum in the Jacobian, the softmax
applied to the probabilities again, 1/p where log p belongs.
`accept` holds case-insensitive regular expressions; any one found in a failing message's
text about the answer counts as naming the mistake. They accept a correct description in
other words: the mistake's cause, or the exact relation between the wrong answer and the
right one, naming the quantity involved; never only a location or an output's name.
"""
from textwrap import dedent


def E(id, assignment, function, mistake, accept, source):
    return {"id": id, "assignment": assignment, "function": function,
            "mistake": mistake, "accept": list(accept),
            "source": dedent(source).strip() + "\n"}


# Shared wordings of a few mistake classes (a message may say them in any of these ways).
MUTATE = [r"modif", r"in[- ]place", r"mutat", r"chang(ed|es) (your|its|the|their)? ?(input|argument|cache)",
          r"overwr", r"new array", r"original values?", r"alias", r"same array"]
TWICE = [r"twice", r"two times", r"a second time", r"\bagain\b", r"counted (twice|two)",
         r"doubl\w* (count|applied)", r"applied (two|2) times"]
RESHAPE = [r"reshap", r"scrambl", r"rearrang", r"permut", r"shuffl",
           r"(entries|values) (are )?in (the |a )?(wrong|other|different) (order|place)",
           r"right (values|numbers) in (the )?wrong (places?|order)"]
SHIFT = [r"shift", r"off[- ]by[- ]one", r"(belongs?|meant) (to|for) (the )?(next|previous|neighbou?ring|adjacent) (step|row|unit|example)",
         r"(next|following|later|neighbou?ring|adjacent|previous|earlier) (time )?step'?s? (upstream|dh|carry|gradient)",
         r"one step (early|late|earlier|later|off|too)", r"\broll", r"(delayed|lag)"]
REVERSED = [r"revers", r"mirror", r"backwards? in time", r"(time )?order of the (steps|caches)",
            r"(last|first) step'?s? cache", r"T\s*-\s*1\s*-\s*t"]
DOUBLE = [r"\b2 times", r"two times", r"twice", r"doubl", r"2x\b", r"factor (of )?(2|two)\b"]
CONSTANT = [r"constant", r"same (value|number) (everywhere|in every|for every|in each)", r"does not depend",
            r"independent of"]


CATALOGUE = [
    # ======================================================================== staged (9)
    E("st11_num_stencil_weights", "staged", "numerical_gradient",
      "A four-point stencil is written with the weights 1, -4, 4, -1 over 12h instead of "
      "1, -8, 8, -1: every value is 1/3 of the right one.",
      [r"1\s*/\s*3\b", r"one[- ]third", r"a third of", r"\b0\.33", r"three times too small", r"3 times too small",
       r"(stencil|coefficients?|weights? of the (differences?|points?)).{0,40}(wrong|4\b|8\b)",
       r"(four|five)[- ]point", r"12 ?h", r"factor (of )?(1/3|3)\b"],
      """
      def numerical_gradient(f, x, h=1e-5):
          grad = np.zeros(x.shape, dtype=np.float64)
          for i in np.ndindex(x.shape):
              old = x[i]
              values = []
              for k in (2, 1, -1, -2):
                  x[i] = old + k * h
                  values.append(f(x))
              x[i] = old
              f2, f1, fm1, fm2 = values
              # fourth-order centered difference
              grad[i] = (-f2 + 4 * f1 - 4 * fm1 + fm2) / (12 * h)
          return grad
      """),
    E("st11_square_at_num", "staged", "staged_backward",
      "The square's local gradient is taken as 2 * num (the cached numerator) instead of "
      "2 * xpy, the square's input x + y.",
      [r"\bnum(erator)?\b.{0,60}(instead of|where|in place of).{0,30}(x ?\+ ?y|xpy|the sum|its input)",
       r"2 ?\* ?num\b", r"(square|\(x ?\+ ?y\) ?\*\* ?2)'?s? (local )?(gradient|derivative).{0,60}(numerator|\bnum\b)",
       r"numerator.{0,40}(used|taken).{0,40}(square|x ?\+ ?y)",
       r"(wrong|another) cached (value|stage).{0,40}(square|numerator)"],
      """
      def staged_backward(df, cache):
          x, y, sigy, num, sigx, xpy, xpysqr, den, invden = cache
          dnum = invden * df
          dinvden = num * df
          dden = (-1.0 / den ** 2) * dinvden
          dsigx = 1.0 * dden
          dxpysqr = 1.0 * dden
          dxpy = (2.0 * num) * dxpysqr
          dx = 1.0 * dxpy
          dy = 1.0 * dxpy
          dx += sigx * (1.0 - sigx) * dsigx
          dx += 1.0 * dnum
          dsigy = 1.0 * dnum
          dy += sigy * (1.0 - sigy) * dsigy
          return dx, dy
      """),
    E("st11_den_recomputed_without_square", "staged", "staged_backward",
      "The reciprocal's derivative recomputes the denominator as sigx + xpy, forgetting the "
      "square of x + y: dden = -dinvden / (sigx + xpy)**2 instead of -dinvden / den**2.",
      [r"(denominator|den\b).{0,60}(without|missing|forg\w*|no|lacks?) (the )?square",
       r"square.{0,40}(missing|forgotten|left out|dropped).{0,60}(denominator|den\b|reciprocal)",
       r"recomput\w*.{0,40}(denominator|den\b)", r"(sigx|sigmoid\(x\)) ?\+ ?(xpy|x ?\+ ?y)\b(?! ?\*)",
       r"xpy (instead of|where|in place of) xpysqr",
       r"(x ?\+ ?y) (instead of|where|in place of) \(?x ?\+ ?y\)? ?\*\* ?2"],
      """
      def staged_backward(df, cache):
          x, y, sigy, num, sigx, xpy, xpysqr, den, invden = cache
          dnum = invden * df
          dinvden = num * df
          dden = -dinvden / (sigx + xpy) ** 2
          dsigx = dden
          dxpysqr = dden
          dxpy = 2.0 * xpy * dxpysqr
          dx = dxpy + sigx * (1.0 - sigx) * dsigx + dnum
          dy = dxpy + sigy * (1.0 - sigy) * dnum
          return dx, dy
      """),
    E("st11_dsigy_from_dden", "staged", "staged_backward",
      "The gradient arriving at sigmoid(y) is taken from the denominator's gradient dden "
      "instead of the numerator's dnum, as if sigmoid(y) were in the denominator like "
      "sigmoid(x); dx is right.",
      [r"sig(moid)? ?\(?y\)?.{0,60}(denominator|dden)", r"(dden|denominator'?s? gradient).{0,60}(instead of|where|in place of).{0,30}(dnum|numerator)",
       r"y'?s? sigmoid.{0,60}denominator", r"(like|as for) sigmoid\(x\)",
       r"(path|term|share|contribution) (of dy )?through (the )?(numerator|sigmoid\(y\)).{0,60}(denominator|dden)"],
      """
      def staged_backward(df, cache):
          x, y, sigy, num, sigx, xpy, xpysqr, den, invden = cache
          dnum = invden * df
          dinvden = num * df
          dden = (-1.0 / den ** 2) * dinvden
          dsigx = 1.0 * dden
          dxpysqr = 1.0 * dden
          dxpy = (2.0 * xpy) * dxpysqr
          dx = 1.0 * dxpy
          dy = 1.0 * dxpy
          dx += sigx * (1.0 - sigx) * dsigx
          dx += 1.0 * dnum
          dsigy = 1.0 * dden
          dy += sigy * (1.0 - sigy) * dsigy
          return dx, dy
      """),
    E("st11_sigx_local_precedence", "staged", "staged_backward",
      "A precedence slip in the sigmoid(x) stage, sigx - sigx**2 * dsigx: the upstream dsigx "
      "multiplies only the second term of the local gradient sigx * (1 - sigx); dy is right.",
      [r"precedence", r"parenthes", r"sigx ?- ?sigx ?\*\* ?2 ?\* ?dsigx",
       r"(upstream|dsigx|incoming).{0,40}(only|just) (the )?(second|one|last) term",
       r"sigmoid\(x\)'?s? (local )?(gradient|derivative).{0,60}(not multiplied|without|missing).{0,30}(upstream|dsigx|dden)",
       r"(plus|adds?|\+) sigx\b.{0,40}(unmultiplied|on its own|alone|extra)"],
      """
      def staged_backward(df, cache):
          x, y, sigy, num, sigx, xpy, xpysqr, den, invden = cache
          dnum = invden * df
          dinvden = num * df
          dden = (-1.0 / den ** 2) * dinvden
          dsigx = 1.0 * dden
          dxpysqr = 1.0 * dden
          dxpy = (2.0 * xpy) * dxpysqr
          dx = 1.0 * dxpy
          dy = 1.0 * dxpy
          dx += sigx - sigx ** 2 * dsigx
          dx += 1.0 * dnum
          dsigy = 1.0 * dnum
          dy += sigy * (1.0 - sigy) * dsigy
          return dx, dy
      """),
    E("st11_add_dy_as_bias", "staged", "add_backward",
      "y is treated like a bias broadcast over the rows: dy is dout summed over the first axis "
      "and repeated in every row instead of dout itself; dx is right.",
      [r"(like|as) a bias", r"\bbias\b.{0,40}(broadcast|summed|sum|rows)", r"summed over (the )?(first axis|rows|batch|axis 0)", r"broadcast",
       r"(each|every) (row|entry).{0,40}(holds|gets|is|has) (the )?(sum|total)",
       r"column sums?", r"sum of (the )?(upstream|dout|rows).{0,40}(every|each) (row|entry)",
       r"(same|one) (value|number) (in|for) every (row|entry)"],
      """
      def add_backward(dout, x, y):
          dx = dout.copy()
          # y is added to every row, like a bias: sum over the rows
          dy = np.ones_like(y) * dout.sum(axis=0, keepdims=True)
          return dx, dy
      """),
    E("st11_mul_product_rule_sum", "staged", "mul_backward",
      "The product rule d(xy) = y dx + x dy is read as one local gradient x + y shared by both "
      "inputs: dx = dout * (x + y) and dy = dout * (x + y) instead of dout * y and dout * x.",
      [r"product rule", r"x ?\+ ?y", r"y ?\+ ?x", r"sum of (the|both) inputs",
       r"both (inputs|factors).{0,40}(added|summed|sum)",
       r"(own|its own) input.{0,40}(added|too|as well|extra)",
       r"plus (dout ?\* ?x|x ?\* ?dout|dout times x|dout ?\* ?y|dout times (its own|the same))",
       r"(dout ?\* ?[xy]|[xy] ?\* ?dout|dout times (x|y|its own input)).{0,30}(too many|extra|added|on top)"],
      """
      def mul_backward(dout, x, y):
          local = y + x          # product rule: d(xy) = y dx + x dy
          dx = dout * local
          dy = dout * local
          return dx, dy
      """),
    E("st11_max_global_max", "staged", "max_backward",
      "np.max over both arrays (one number) is used where the elementwise np.maximum belongs: "
      "only the single entry holding the largest value of x and y gets dout, every other "
      "entry of dx and dy is 0.",
      [r"np\.max\b", r"(largest|global|overall|single) (value|max(imum)?|entry)",
       r"(single|one|only one) (entry|element|position)",
       r"(all|every) (other )?(entries|elements) (are |is )?(zero|0)",
       r"maximum over (all|both|the whole)", r"instead of (np\.)?maximum", r"not elementwise",
       r"only (at )?the (largest|biggest)"],
      """
      def max_backward(dout, x, y):
          m = np.max([x, y])
          dx = np.where(x == m, dout, 0.0)
          dy = np.where(y == m, dout, 0.0)
          return dx, dy
      """),
    E("st11_softplus_du_times_u", "staged", "softplus_circuit",
      "The exponential's local gradient is taken as u = x * y instead of e = exp(u): "
      "du = de * u, so the softplus's share of dx and dy is wrong; g and the fraction's share "
      "are right.",
      [r"\bu\b.{0,40}(instead of|where|in place of).{0,20}(\be\b|exp)",
       r"(x ?\* ?y|xy).{0,40}(instead of|where|in place of).{0,30}exp",
       r"exp\(x ?\* ?y\).{0,40}(missing|forgotten|replaced)",
       r"(exponential|exp)'?s? (local )?(gradient|derivative).{0,60}(wrong|u\b|x ?\* ?y)",
       r"(sigmoid|logistic)\(x ?\* ?y\).{0,60}(replaced|instead|missing)"],
      """
      def softplus_circuit(x, y, dg=1.0):
          u = x * y
          e = np.exp(u)
          soft = np.log(1.0 + e)
          t = np.tanh(y)
          num = x * t
          den = 1.0 + x ** 2
          inv = 1.0 / den
          frac = num * inv
          g = soft + frac
          dsoft = dg * 1.0
          dfrac = dg * 1.0
          dnum = dfrac * inv
          dinv = dfrac * num
          dden = dinv * (-1.0 / den ** 2)
          dx = dden * 2.0 * x
          dx = dx + dnum * t
          dt = dnum * x
          dy = dt * (1.0 - t ** 2)
          de = dsoft / (1.0 + e)
          du = de * u
          dx = dx + du * y
          dy = dy + du * x
          return g, dx, dy
      """),

    # ======================================================================= sigmoid (7)
    E("sg11_z_clipped_for_stability", "sigmoid", "sigmoid_layer_backward",
      "The cached output z is clipped to [0.1, 0.9] before the local gradient (a stability "
      "habit), so saturated units get z(1 - z) of at least 0.09 instead of almost 0.",
      [r"clip", r"(floor|minimum|lower bound) (of|on) (the )?local", r"0\.09",
       r"(saturated|saturation).{0,60}(too large|not small|never|floor|at least|not vanish)",
       r"(never|does not|do not) (vanish|become small|go to zero)",
       r"(bounded|limited) (from )?below", r"\[0\.1, ?0\.9\]"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          z = np.clip(z, 0.1, 0.9)          # keep away from 0 and 1 for stability
          da = dz * z * (1.0 - z)
          dx = W.T @ da
          dW = np.outer(da, x)
          return dx, dW
      """),
    E("sg11_name_reuse_z", "sigmoid", "sigmoid_layer_backward",
      "The name z is reused for dz * z before the local gradient is formed, so "
      "da = dz z (1 - dz z) instead of dz z (1 - z): the upstream gradient also enters the "
      "factor (1 - z).",
      [r"(reus|overwr|shadow)\w*.{0,40}\bz\b", r"\bz\b.{0,40}(reused|overwritten|replaced|shadowed)",
       r"1 ?- ?dz ?\* ?z", r"(upstream|dz).{0,40}(inside|in|into) (the )?(factor )?\(?1 ?- ?z\)?",
       r"(upstream gradient|dz) (applied|enters|appears|multiplied) (twice|two times|inside)",
       r"name reuse"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          z = dz * z
          da = z * (1.0 - z)
          dx = W.T @ da
          dW = np.outer(da, x)
          return dx, dW
      """),
    E("sg11_second_derivative", "sigmoid", "sigmoid_layer_backward",
      "The local gradient carries an extra factor (1 - 2z), the sigmoid's second derivative "
      "z(1 - z)(1 - 2z), instead of its first derivative z(1 - z).",
      [r"second derivative", r"1 ?- ?2 ?\*? ?z", r"(extra|additional|stray) factor.{0,20}\(?1 ?- ?2 ?\*? ?z\)?",
       r"derivative of (the )?(derivative|z ?\* ?\(1 ?- ?z\)|local gradient)",
       r"differentiat\w* (twice|two times|again)"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          da = dz * z * (1.0 - z) * (1.0 - 2.0 * z)
          dx = W.T @ da
          dW = np.outer(da, x)
          return dx, dW
      """),
    E("sg11_shift_by_max", "sigmoid", "sigmoid_layer_backward",
      "The pre-activations are shifted by their largest value before the sigmoid (the "
      "softmax's overflow trick), which the sigmoid is not invariant to, and the local "
      "gradient is taken from those shifted outputs instead of from z.",
      [r"shift", r"(subtract|minus)\w* (the )?(largest|max)", r"a ?- ?a\.max", r"softmax",
       r"(stability|overflow) (trick|shift)", r"not (shift[- ])?invariant",
       r"max(imum)? (pre-?activation )?(is )?subtracted"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          a = W @ x
          s = sigmoid(a - a.max())           # shifted for numerical stability
          da = dz * s * (1.0 - s)
          dx = W.T @ da
          dW = np.outer(da, x)
          return dx, dW
      """),
    E("sat11_scaled_by_sqrt_D", "sigmoid", "saturated_fraction",
      "The pre-activations are divided by sqrt(D) (an initialisation habit) before the "
      "sigmoid, so fewer pairs look saturated than are.",
      [r"sqrt ?\(?D\)?", r"square root of (D|the number of inputs)", r"1 ?/ ?sqrt",
       r"(scaled|divided|normali[sz]ed|shrunk).{0,40}(pre-?activations?|inputs?|X ?@ ?W)",
       r"(pre-?activations?).{0,30}(too small|shrunk|scaled down)"],
      """
      def saturated_fraction(W, X, tol=1e-3):
          Z = sigmoid(X @ W.T / np.sqrt(X.shape[1]))
          local = Z * (1.0 - Z)
          return float(np.mean(local < tol))
      """),
    E("sat11_mean_count_per_unit", "sigmoid", "saturated_fraction",
      "It returns the average over the units of each unit's number of saturated examples, "
      "forgetting to divide by N: N times the right fraction.",
      [r"\bN times", r"times N\b", r"not divided by (N|the number of examples)",
       r"forg\w* .{0,20}divi\w* by (N|the number of examples)",
       r"(count|number) of (saturated )?examples", r"(per[- ]unit|each unit'?s?) (count|number)",
       r"average (count|number)", r"(count|number) (instead of|rather than|not) (a )?(fraction|share)"],
      """
      def saturated_fraction(W, X, tol=1e-3):
          Z = sigmoid(X @ W.T)
          local = Z * (1.0 - Z)
          per_unit = np.sum(local < tol, axis=0)     # saturated examples of each unit
          return float(np.mean(per_unit))
      """),
    E("sat11_upper_side_typo", "sigmoid", "saturated_fraction",
      "Saturation is tested on z with a typo, (z < tol) | (z > tol) instead of "
      "(z > 1 - tol), so almost every pair counts as saturated.",
      [r"z ?> ?tol", r"1 ?- ?tol", r"(upper|high) (side|end|threshold|bound).{0,40}(wrong|tol\b|typo)",
       r"(almost|nearly) (every|all) (the )?(pairs?|entr)", r"(every|all) pairs?.{0,30}(counted|saturated)",
       r"(output|z) (above|greater than) tol"],
      """
      def saturated_fraction(W, X, tol=1e-3):
          Z = sigmoid(X @ W.T)
          saturated = (Z < tol) | (Z > tol)          # near 0 or near 1
          return float(np.mean(saturated))
      """),

    # ========================================================================== relu (7)
    E("rl11_capped_window", "relu", "relu_backward",
      "The gradient passes only where 0 < a < 1 (the derivative of a ReLU capped at 1) "
      "instead of wherever a > 0: inputs above 1 are blocked.",
      [r"(a|input) ?(<|below|less than) ?1\b", r"(above|greater than|>) ?1\b.{0,40}(blocked|zero|0|no gradient)",
       r"\b0 ?< ?a ?< ?1", r"hard ?tanh", r"relu ?(1|6)\b", r"capped", r"upper (bound|limit|cut)",
       r"(large|big) (positive )?inputs?.{0,40}(blocked|zero|no gradient)"],
      """
      def relu_backward(dout, cache):
          a = cache
          da = np.where((a > 0) & (a < 1), dout, 0.0)
          return da
      """),
    E("rl11_elu_derivative", "relu", "relu_backward",
      "Where a <= 0 the gradient is exp(a) * dout (an ELU's derivative) instead of 0.",
      [r"\belu\b", r"exp(onential)? ?\(?a\)?", r"exponential", r"leak",
       r"(negative|inactive|non-?positive) (side|part|inputs?).{0,40}(not zero|nonzero|passes|gets|receives)",
       r"(where|for) a ?(<= ?0|is not positive|is negative).{0,60}(gets|passes|receives|not zero)"],
      """
      def relu_backward(dout, cache):
          a = cache
          da = np.where(a > 0, dout, np.exp(a) * dout)
          return da
      """),
    E("dn11_first_unit_bias", "relu", "dead_neuron_fraction",
      "In a loop over the units the pre-activation adds b[0] (an index typo) instead of b[j]: "
      "every unit is tested with the first unit's bias.",
      [r"b\[0\]", r"first unit'?s? bias", r"(same|one) bias (for|in) every unit",
       r"bias of (the first|another|a different|the wrong) unit", r"(wrong|other) unit'?s? bias",
       r"index (typo|slip|error)", r"(each|every) unit'?s? own bias.{0,30}(not|never|ignored)"],
      """
      def dead_neuron_fraction(W, b, X):
          H = W.shape[0]
          dead = 0
          for j in range(H):
              pre_j = X @ W[j] + b[0]
              if np.all(pre_j <= 0):
                  dead += 1
          return dead / H
      """),
    E("dn11_always_active", "relu", "dead_neuron_fraction",
      "It counts the units whose pre-activation is positive on every example (always "
      "active) instead of those that are <= 0 on every example.",
      [r"always (active|on|positive|fir)", r"(positive|> ?0|fires?) (on|for) every example",
       r"never (zero|off|inactive|dead)", r"opposite (condition|test|side|sign)",
       r"pre ?> ?0", r"> ?0 instead of <= ?0", r"(inverted|reversed|flipped) (test|comparison|condition)"],
      """
      def dead_neuron_fraction(W, b, X):
          pre = X @ W.T + b
          always = np.all(pre > 0, axis=0)
          return float(np.mean(always))
      """),
    E("lk11_adds_slope_gradient", "relu", "leaky_relu_backward",
      "On the negative side it adds a * dout (the gradient with respect to the slope, as in "
      "PReLU) to slope * dout: da = (slope + a) * dout there; the positive side is right.",
      [r"slope ?\+ ?a\b", r"a ?\+ ?slope", r"a ?\* ?dout", r"prelu",
       r"(slope'?s?|alpha'?s?) (own )?(gradient|derivative)",
       r"(derivative|gradient) with respect to (the )?slope",
       r"(plus|extra|additional|added) (term )?(a|the input) (times|\*) (dout|the upstream)",
       r"(negative|inactive) side.{0,60}(plus|extra|\+) ?a\b"],
      """
      def leaky_relu_backward(dout, cache):
          a, slope = cache
          # slope * a: product rule on the negative side
          da = np.where(a > 0, dout, (slope + a) * dout)
          return da
      """),
    E("pr11_alpha_clipped", "relu", "prelu_backward",
      "The slopes are clipped to [0, 1] before da (as if a slope had to lie there), so units "
      "with a negative slope or one above 1 get the wrong gradient on the negative side; "
      "dalpha is right.",
      [r"clip", r"(alpha|slopes?).{0,40}(outside|beyond) \[?0, ?1\]?",
       r"(between|to|in|into) \[?0(\.0)?(,| and) ?1\]?", r"(negative|large|greater than 1|above 1) (slopes?|alpha)",
       r"(slopes?|alpha) (limited|bounded|capped|restricted)"],
      """
      def prelu_backward(dout, cache):
          a, alpha = cache
          negative = a <= 0
          slope = np.clip(alpha, 0.0, 1.0)
          da = np.where(negative, slope * dout, dout)
          dalpha = np.sum(np.where(negative, a * dout, 0.0), axis=0)
          return da, dalpha
      """),
    E("pr11_repeat_for_tile", "relu", "prelu_backward",
      "The matrix of slopes is built with np.repeat(alpha, N).reshape(N, H) instead of "
      "np.tile(alpha, (N, 1)), so on the negative side each entry uses the slope of another "
      "unit; dalpha is right.",
      RESHAPE + [r"\brepeat", r"\btile", r"(slopes?|alpha).{0,40}(wrong|other|another|different|neighbou?ring) (units?|columns?)",
                 r"(units?|columns?) .{0,30}(mixed|scrambled|shuffled)",
                 r"(slope|alpha) of (another|a different|the wrong) unit"],
      """
      def prelu_backward(dout, cache):
          a, alpha = cache
          N, H = a.shape
          slopes = np.repeat(alpha, N).reshape(N, H)     # one row of slopes per example
          da = np.where(a > 0, dout, slopes * dout)
          dalpha = np.sum(np.where(a <= 0, a * dout, 0.0), axis=0)
          return da, dalpha
      """),

    # =========================================================================== rnn (11)
    E("rr11_dWhh_from_sent_back", "rnn", "relu_rnn_backward",
      "dWhh pairs the previous state with the gradient sent back to it, Whh.T @ delta, "
      "instead of with the step's own masked gradient delta; dh0 is right.",
      [r"Whh\.T ?@ ?(delta|g)\b.{0,60}(instead of|where|in place of)",
       r"(gradient|carry) (sent|passed|carried) back.{0,60}(instead|where|in place|used)",
       r"(after|already) (the )?(multiplication|product) (by|with) Whh",
       r"(extra|one more|additional) (factor|multiplication|product).{0,30}Whh",
       r"(previous state'?s?|h_prev'?s?) (own )?gradient.{0,40}(instead|where|in place)"],
      """
      def relu_rnn_backward(dhs, cache):
          Whh, h0, hs = cache
          T, H = hs.shape
          dWhh = np.zeros_like(Whh)
          g = np.zeros(H)
          for t in reversed(range(T)):
              g = (dhs[t] + g) * (hs[t] > 0)
              h_prev = hs[t - 1] if t > 0 else h0
              g_prev = Whh.T @ g
              dWhh += np.outer(g_prev, h_prev)
              g = g_prev
          return dWhh, g
      """),
    E("rr11_deltas_zipped_in_wrong_order", "rnn", "relu_rnn_backward",
      "The deltas are collected in backward order and zipped with the previous states in "
      "forward order, so step t's state is paired with the delta of step T-1-t in dWhh; "
      "dh0 is right.",
      REVERSED + [r"(backward|reverse) order.{0,60}(forward|time) order",
                  r"(paired|matched) with (the )?(wrong|another|other) (step|state|delta)",
                  r"delta of (step )?T ?- ?1 ?- ?t", r"(list|deltas?) .{0,40}(order|reversed)"],
      """
      def relu_rnn_backward(dhs, cache):
          Whh, h0, hs = cache
          T, H = hs.shape
          deltas = []
          carry = np.zeros(H)
          for t in reversed(range(T)):
              delta = (dhs[t] + carry) * (hs[t] > 0)
              deltas.append(delta)
              carry = Whh.T @ delta
          prevs = [h0] + [hs[t] for t in range(T - 1)]
          dWhh = np.zeros_like(Whh)
          for delta, h_prev in zip(deltas, prevs):
              dWhh += np.outer(delta, h_prev)
          return dWhh, carry
      """),
    E("sr11_mean_modulus", "rnn", "spectral_radius",
      "It returns the mean of the eigenvalues' absolute values instead of the largest one.",
      [r"(mean|average) (of|over) (the )?(all )?(eigenvalues|moduli|absolute values|magnitudes)", r"(mean|average) (eigenvalue|modulus|magnitude|absolute value)", r"instead of (the )?(largest|max)", r"not (the )?(largest|max)",
       r"too small.{0,40}(largest|max)", r"(all|every) eigenvalues?.{0,30}(averaged|mean)"],
      """
      def spectral_radius(W):
          return float(np.mean(np.abs(np.linalg.eigvals(W))))
      """),
    E("rs11_unpack_prev_next_swapped", "rnn", "rnn_step_backward",
      "The cache is unpacked as (x, next_h, Wx, Wh, prev_h): the previous and the next hidden "
      "states are read in each other's place, so the tanh's local gradient uses prev_h and "
      "dWh uses next_h.",
      [r"(prev_h|previous (hidden )?state).{0,30}(next_h|next|new|this step'?s?|output) (hidden )?(state)?.{0,40}(swapped|exchanged|each other|mixed)",
       r"(unpack\w*|cache).{0,60}(order|swapped|exchanged)", r"each other'?s? place",
       r"1 ?- ?prev_h ?\*\* ?2", r"(local gradient|tanh'?s? derivative).{0,60}(previous|prev_h|input) state",
       r"dWh.{0,40}(next_h|the output|this step'?s? (output|state))"],
      """
      def rnn_step_backward(dnext_h, cache):
          x, next_h, Wx, Wh, prev_h = cache
          da = dnext_h * (1.0 - next_h ** 2)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dWx, dWh, db
      """),
    E("rs11_dWh_from_dprev_h", "rnn", "rnn_step_backward",
      "dWh is built from the gradient sent back to the previous state, prev_h.T @ dprev_h, "
      "instead of from da (the gradient at the pre-activation); the other outputs are right.",
      [r"dprev_h.{0,40}(instead of|where|in place of).{0,30}(da\b|local|pre-?activation)",
       r"prev_h\.T ?@ ?dprev_h", r"(gradient (sent|passed) back|previous state'?s? gradient).{0,60}(instead|used|where)",
       r"(extra|additional|one more) (factor|product|multiplication).{0,30}Wh",
       r"Wh'?s? (transpose )?(applied|multiplied) (too|an extra|again|twice)"],
      """
      def rnn_step_backward(dnext_h, cache):
          x, prev_h, Wx, Wh, next_h = cache
          da = dnext_h * (1.0 - next_h ** 2)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ dprev_h
          db = da.sum(axis=0)
          return dx, dprev_h, dWx, dWh, db
      """),
    E("rs11_arctan_for_arctanh", "rnn", "rnn_step_backward",
      "The pre-activation is recovered with np.arctan(next_h) instead of np.arctanh, so the "
      "tanh's local gradient 1 / cosh(a)**2 is evaluated at the wrong point.",
      [r"arctan\b(?!h)", r"arctan instead of arctanh",
       r"(inverse|undo\w*) (of )?(the )?tanh.{0,40}(wrong|arctan|not)",
       r"pre-?activation.{0,40}(recover|recomput|reconstruct)\w*.{0,40}(wrong|arctan)",
       r"(local gradient|tanh'?s? derivative).{0,60}(wrong point|arctan)"],
      """
      def rnn_step_backward(dnext_h, cache):
          x, prev_h, Wx, Wh, next_h = cache
          a = np.arctan(next_h)                 # the pre-activation, undoing the tanh
          da = dnext_h / np.cosh(a) ** 2
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dWx, dWh, db
      """),
    E("rb11_carry_guard_off_by_one", "rnn", "rnn_backward",
      "A guard meant to skip the (zero) carry at the last step is written t < T - 2, so "
      "step T-2 gets no carry: what flows back from the last step is lost for every earlier "
      "step; only the last time step is right.",
      [r"(carry|gradient (flowing|carried|coming) back|recurren\w*).{0,60}(step )?T ?- ?2",
       r"(step )?T ?- ?2.{0,60}(carry|no|without|missing|lost|dropped)",
       r"(from|of) the last (time )?step.{0,40}(lost|dropped|missing|never|not)",
       r"off[- ]by[- ]one", r"(guard|condition|test).{0,40}(wrong|one step)",
       r"(second[- ]to[- ]last|penultimate|next[- ]to[- ]last) (time )?step.{0,60}(carry|no|without|missing)",
       r"only the last (time )?step.{0,20}(is )?right"],
      """
      def rnn_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, Wx, Wh, _ = cache[0]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(H)
          dprev = np.zeros((N, H))
          for t in reversed(range(T)):
              # nothing flows back into the last step
              upstream = dh[:, t, :] + dprev if t < T - 2 else dh[:, t, :]
              dx_t, dprev, dWx_t, dWh_t, db_t = rnn_step_backward(upstream, cache[t])
              dx[:, t, :] = dx_t
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev, dWx, dWh, db
      """),
    E("rb11_carry_summed_over_batch", "rnn", "rnn_backward",
      "The carried gradient is summed over the batch before it is added (dprev.sum(axis=0)), "
      "so every example receives the carries of all the examples instead of its own; only "
      "the last time step is right.",
      [r"summed over (the )?(batch|examples|rows)", r"sum over (the )?(batch|examples)",
       r"(every|each) (example|row).{0,50}(sum|total|all)", r"broadcast",
       r"(other|all) examples'? (carr|gradient)", r"(rows|batch|examples) (are )?mixed",
       r"only the last (time )?step.{0,20}(is )?right"],
      """
      def rnn_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, Wx, Wh, _ = cache[0]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(H)
          dprev = np.zeros((N, H))
          for t in reversed(range(T)):
              dx_t, dprev, dWx_t, dWh_t, db_t = rnn_step_backward(
                  dh[:, t, :] + dprev.sum(axis=0), cache[t])
              dx[:, t, :] = dx_t
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev, dWx, dWh, db
      """),
    E("rb11_db_from_dWh", "rnn", "rnn_backward",
      "A copy slip accumulates db from the column sums of each step's dWh_t instead of db_t, "
      "so every example's contribution to db is weighted by the sum of its previous hidden "
      "state; the other outputs are right.",
      [r"dWh_?t?.{0,40}(instead of|where|in place of).{0,20}db_?t?", r"(column sums?|summed) of dWh",
       r"copy[- ]?(paste|slip)", r"weighted by (the )?(sum of )?(the )?(previous|prev_h|hidden state)",
       r"prev_h.{0,40}(weight|factor)", r"(each|every) (example|row).{0,40}weighted by"],
      """
      def rnn_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, Wx, Wh, _ = cache[0]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(H)
          dprev = np.zeros((N, H))
          for t in reversed(range(T)):
              dx_t, dprev, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t, :] + dprev, cache[t])
              dx[:, t, :] = dx_t
              dWx += dWx_t
              dWh += dWh_t
              db += dWh_t.sum(axis=0)
          return dx, dprev, dWx, dWh, db
      """),
    E("cn11_test_on_own_norm", "rnn", "clip_grad_norm",
      "Each array is scaled by max_norm / total_norm only when its OWN norm exceeds max_norm, "
      "so arrays with a small norm are left unscaled while the global norm is too large: the "
      "direction is not kept.",
      [r"(own|each array'?s?|per[- ]array|individual|separate) norms?.{0,60}(test|compar|decid|condition|whether|exceed)",
       r"(test|compar|decid|condition|whether).{0,60}(own|each array'?s?|per[- ]array|individual) norm",
       r"(some|only some|not all) (arrays?|gradients?).{0,40}(scaled|clipped|rescaled)",
       r"(left|kept) (unscaled|unclipped|unchanged)", r"direction (is )?(changed|not kept)"],
      """
      def clip_grad_norm(grads, max_norm):
          total_norm = float(np.sqrt(sum(np.sum(g ** 2) for g in grads.values())))
          clipped = {}
          for name, g in grads.items():
              if np.sqrt(np.sum(g ** 2)) > max_norm:
                  clipped[name] = g * (max_norm / total_norm)
              else:
                  clipped[name] = g.copy()
          return clipped, total_norm
      """),
    E("cv11_biases_skipped", "rnn", "clip_grad_value",
      "Only arrays with more than one dimension are clipped (a weight-decay habit that skips "
      "biases): 1-D gradients are returned unclipped.",
      [r"bias(es)?.{0,40}(not clipped|unclipped|left|skipped|unchanged)", r"skip\w*.{0,30}bias", r"1-?d(imensional)?\b", r"one-dimensional", r"vectors?.{0,40}(not clipped|unclipped|left)",
       r"(not|never) clipped", r"(left|kept|returned) unclipped", r"ndim",
       r"(some|only some|not all|one of the) (arrays?|gradients?).{0,40}(clipped|unchanged)"],
      """
      def clip_grad_value(grads, clip_value):
          clipped = {}
          for name, g in grads.items():
              if g.ndim > 1:
                  clipped[name] = np.clip(g, -clip_value, clip_value)
              else:
                  clipped[name] = g.copy()          # biases are left alone
          return clipped
      """),

    # ======================================================================= softmax (16)
    E("af11_dW_rows_paired_with_next", "softmax", "affine_backward",
      "In a loop over the examples dW adds outer(x[n], dout[n + 1]) (an index typo): each "
      "example's input is paired with the next example's upstream gradient, the last with "
      "the first's; dx and db are right.",
      SHIFT + [r"(paired|matched|multiplied) with (the )?(next|another|other|wrong|neighbou?ring) (example|row)'?s?",
               r"(rows|examples) (are )?(mixed|mismatched|misaligned)", r"index (typo|slip|error)",
               r"n ?\+ ?1"],
      """
      def affine_backward(dout, cache):
          x, W, b = cache
          N = x.shape[0]
          dx = dout @ W.T
          dW = np.zeros_like(W)
          for n in range(N):
              dW += np.outer(x[n], dout[(n + 1) % N])
          db = dout.sum(axis=0)
          return dx, dW, db
      """),
    E("af11_db_mean_times_M", "softmax", "affine_backward",
      "db is computed as the batch mean of dout times dout.shape[1] (M, the number of "
      "outputs) instead of times N: db is M/N times the right one; dx and dW are right.",
      [r"M ?/ ?N", r"(mean|average).{0,40}(times|multiplied by) (M|the number of (outputs|columns))",
       r"(M|outputs|columns) instead of N", r"shape\[1\]",
       r"(M|C|number of outputs|number of columns) (where|instead of) (N|the batch size)"],
      """
      def affine_backward(dout, cache):
          x, W, b = cache
          dx = dout @ W.T
          dW = x.T @ dout
          db = dout.mean(axis=0) * dout.shape[1]
          return dx, dW, db
      """),
    E("sce11_shift_in_numerator_only", "softmax", "softmax_cross_entropy_backward",
      "dlogits recomputes the probabilities with the max shift in the numerator only, "
      "exp(logits - max) / sum(exp(logits)), so each row is exp(-max) times the softmax and "
      "no longer sums to 1; dlabels is right.",
      [r"shift.{0,60}(numerator|only|not (in|the) (denominator|sum))",
       r"(numerator|denominator).{0,60}(shift|unshifted|different)", r"exp\(-? ?max",
       r"(probabilities|p\b).{0,20}(are |is )?(scaled|too small|don'?t sum|do not sum)",
       r"(rows?|probabilities) (do not|don'?t|no longer) sum to (1|one)",
       r"mix\w* (shifted|unshifted)", r"unnormali[sz]ed|not normali[sz]ed"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          shifted = logits - logits.max(axis=1, keepdims=True)
          p = np.exp(shifted) / np.exp(logits).sum(axis=1, keepdims=True)
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (p * row_sums - labels) / N
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("sce11_jacobian_unweighted_sum", "softmax", "softmax_cross_entropy_backward",
      "Chaining by hand through the softmax's Jacobian, the inner sum is not weighted by p: "
      "p * (g - sum(g)) instead of p * (g - sum(g * p)) with g = -labels / (p N); dlabels is "
      "right.",
      [r"(inner |the )?sum.{0,40}(without|missing|forg\w*|not weighted).{0,30}(p\b|probabilit|weight)",
       r"(unweighted|not weighted).{0,30}(sum|by p|by the probabilit)", r"sum\(g\)",
       r"jacobian.{0,60}(p ?p\^?T|outer|off-?diagonal|weight)",
       r"(p ?p\^?T|outer product).{0,40}(missing|wrong|forgotten)"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          g = -labels / (probs * N)                    # gradient on the probabilities
          dlogits = dloss * probs * (g - g.sum(axis=1, keepdims=True))
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("sce11_times_N", "softmax", "softmax_cross_entropy_backward",
      "dlogits is multiplied by N instead of divided by N (a * for /): N**2 times the right "
      "one; dlabels is right.",
      [r"\bN ?\*\* ?2", r"N squared", r"N\^2", r"N ?\* ?N\b", r"square of N",
       r"multipl\w* by N.{0,40}(instead of|not|rather than) divid", r"\* ?N instead of / ?N",
       r"times N\b.{0,40}(instead|rather|not divided)"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (probs * row_sums - labels) * N
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("sce11_softmax_of_probs", "softmax", "softmax_cross_entropy_backward",
      "dlogits applies the softmax again to the cached probabilities (softmax(probs)) and uses "
      "those in place of probs; dlabels is right.",
      TWICE + [r"softmax (of|applied to|on) (the )?probabilit", r"(probabilities|probs).{0,40}(through|into) (the |a )?softmax",
               r"softmax.{0,30}(twice|two times|again|a second time)"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          p = np.exp(probs - probs.max(axis=1, keepdims=True))
          p /= p.sum(axis=1, keepdims=True)
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (p * row_sums - labels) / N
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("sce11_dlabels_negated_dlogits", "softmax", "softmax_cross_entropy_backward",
      "dlabels is returned as -dlogits (the labels taken to enter the loss like the logits "
      "with the opposite sign) instead of -log(p) / N; dlogits is right.",
      [r"-dlogits", r"(negative|negated|minus|opposite) (of )?(the )?(gradient on the logits|dlogits|logits'? gradient)",
       r"dlogits.{0,40}(negat|sign|minus)", r"(same|equal) (as|to) .{0,20}dlogits",
       r"log ?\(?p\)?.{0,40}(missing|forgotten|not used|never)", r"(instead of|not|where) -? ?log ?\(?p",
       r"(probabilities|p) (minus|-) (the )?labels.{0,60}(instead|where|in place)"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (probs * row_sums - labels) / N
          dlabels = -dlogits
          return dlogits, dlabels
      """),
    E("sce11_jacobian_of_first_row", "softmax", "softmax_cross_entropy_backward",
      "Chaining row by row through the softmax's Jacobian, the Jacobian is built once from the "
      "first example's probabilities and used for every row; dlabels is right.",
      [r"first (row|example)'?s? (jacobian|probabilit)", r"(jacobian|probabilities) of (the )?first (row|example)",
       r"probs\[0\]", r"same jacobian (for|in) every (row|example)",
       r"(every|each) (row|example).{0,40}first (row|example)", r"(rows|examples) (are )?mixed",
       r"only the first (row|example) (is )?right"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          dlogits = np.zeros_like(probs)
          p0 = probs[0]
          J = np.diag(p0) - np.outer(p0, p0)          # the softmax's Jacobian
          for n in range(N):
              g = -labels[n] / (probs[n] * N)         # gradient on the probabilities
              dlogits[n] = dloss * (J @ g)
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("sce11_dlabels_one_over_p", "softmax", "softmax_cross_entropy_backward",
      "dlabels is -1 / (p N), the derivative of log p, instead of -log(p) / N: the log is "
      "differentiated although the labels multiply it; dlogits is right.",
      [r"1 ?/ ?p\b", r"1 ?/ ?\(?probs", r"divid\w* by (the )?probabilit", r"derivative of (the )?log",
       r"(instead of|not|where) (the )?log", r"reciprocal", r"log (is )?(missing|forgotten|differentiated)",
       r"-? ?1 ?/ ?\(p ?\* ?N\)"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (probs * row_sums - labels) / N
          dlabels = -dloss / (probs * N)
          return dlogits, dlabels
      """),
    E("mlp11_mask_averaged_over_batch", "softmax", "mlp_backward",
      "The ReLU's mask is averaged over the batch ((relu_cache > 0).mean(axis=0)), so each "
      "unit's gradient is multiplied by the fraction of examples on which it is active "
      "instead of by each example's own 0/1 mask; W2 and b2 are right.",
      [r"(mask|relu).{0,60}(averaged|mean|fraction).{0,40}(batch|examples)",
       r"fraction of (the )?examples", r"(one|same) (mask|factor|value) (for|per) (every|each) (unit|column)",
       r"(not|instead of) (the )?0 ?/ ?1", r"(per[- ]example|each example'?s? own) mask",
       r"(mask|relu).{0,40}(broadcast|shared)"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          dlogits, _ = softmax_cross_entropy_backward(dloss, loss_cache)
          dh, dW2, db2 = affine_backward(dlogits, aff2_cache)
          da = dh * (relu_cache > 0).mean(axis=0)
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("mlp11_dW1_from_relu_of_X", "softmax", "mlp_backward",
      "Written out by hand, dW1 is built from max(X, 0), as if the input also went through a "
      "ReLU, instead of from X itself: the negative entries of X are dropped from dW1; the "
      "other outputs are right.",
      [r"relu (of|applied to|on) (the )?(input|X)", r"(input|X)'?s? (negative|positive) (part|entries)",
       r"np\.maximum\(X", r"max\(X, ?0\)|max\(0, ?X\)",
       r"(negative )?(inputs|entries of X).{0,40}(zero|dropped|clipped|left out)",
       r"(input|X) .{0,30}(clipped|rectified)"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          X, W1, b1 = aff1_cache
          dlogits, _ = softmax_cross_entropy_backward(dloss, loss_cache)
          dh, dW2, db2 = affine_backward(dlogits, aff2_cache)
          da = dh * (relu_cache > 0)
          dX = da @ W1.T
          dW1 = np.maximum(X, 0).T @ da
          db1 = da.sum(axis=0)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("mlp11_hidden_path_onehot", "softmax", "mlp_backward",
      "The hidden gradient is sent back from the one-hot shortcut (p - labels) * dloss / N, "
      "which ignores the labels' row sums, while W2 and b2 use the full gradient on the "
      "logits: dX, dW1 and db1 are wrong for rows that do not sum to 1.",
      [r"one-?hot", r"row sums?.{0,60}(missing|forgotten|ignored|left out)",
       r"(labels?|rows) (that )?(do not|don'?t|need not) sum to (1|one)", r"probs ?- ?labels",
       r"soft labels?", r"p ?- ?y\b", r"p ?- ?labels"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          logits, labels, probs = loss_cache
          N = logits.shape[0]
          dlogits, _ = softmax_cross_entropy_backward(dloss, loss_cache)
          _, dW2, db2 = affine_backward(dlogits, aff2_cache)
          h, W2, b2 = aff2_cache
          dh = (dloss * (probs - labels) / N) @ W2.T
          da = dh * (relu_cache > 0)
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("mlp11_mean_after_second_layer", "softmax", "mlp_backward",
      "Written out by hand, the 1/N of the mean is applied after dW2 and db2 are computed "
      "(statement order): W2 and b2 are N times the right ones; dX, dW1 and db1 are right.",
      [r"\bN times", r"times N\b", r"not divided by N",
       r"(missing|without|forg\w*) .{0,20}(1 ?/ ?N|the mean|divi\w* by N)",
       r"(mean|average|1 ?/ ?N|division by N).{0,60}(after|too late|only (to|in) the (first|hidden))",
       r"(divided|division) .{0,30}(after|too late)"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          logits, labels, probs = loss_cache
          N = logits.shape[0]
          h, W2, b2 = aff2_cache
          g = dloss * (probs * labels.sum(axis=1, keepdims=True) - labels)
          dW2 = h.T @ g
          db2 = g.sum(axis=0)
          g = g / N
          dh = g @ W2.T
          da = dh * (relu_cache > 0)
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("mlp11_hidden_gradient_doubled", "softmax", "mlp_backward",
      "Written out by hand, a duplicated line adds dlogits @ W2.T to the hidden gradient a "
      "second time: dX, dW1 and db1 are 2 times the right ones; W2 and b2 are right.",
      DOUBLE + TWICE + [r"counted (twice|two times)"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          dlogits, _ = softmax_cross_entropy_backward(dloss, loss_cache)
          h, W2, b2 = aff2_cache
          dW2 = h.T @ dlogits
          db2 = dlogits.sum(axis=0)
          dh = dlogits @ W2.T
          dh += dlogits @ W2.T
          da = dh * (relu_cache > 0)
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("mlp11_b2_added_to_backward", "softmax", "mlp_backward",
      "Written out by hand, the second layer's bias b2 is added to the gradient on the logits "
      "before it is sent back through W2 (as in the forward pass): dh = (dlogits + b2) @ W2.T; "
      "W2 and b2 are right.",
      [r"\bb2\b.{0,40}(added|plus|\+|into)", r"\+ ?b2\b", r"plus (the )?(second )?(layer'?s? )?bias",
       r"bias.{0,40}(added|plus).{0,40}(gradient|backward|dlogits)"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          dlogits, _ = softmax_cross_entropy_backward(dloss, loss_cache)
          h, W2, b2 = aff2_cache
          dW2 = h.T @ dlogits
          db2 = dlogits.sum(axis=0)
          dh = (dlogits + b2) @ W2.T
          da = dh * (relu_cache > 0)
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("mlp11_mask_centred", "softmax", "mlp_backward",
      "The ReLU's mask compares each pre-activation with its unit's batch mean (a centring "
      "habit) instead of with 0: relu_cache - relu_cache.mean(axis=0) > 0; W2 and b2 are right.",
      [r"(mean|average).{0,40}(subtracted|threshold|compared)", r"centr",
       r"(threshold|compared with|against) (the )?(unit'?s? )?(batch )?(mean|average)",
       r"(threshold|cut) (is )?not (at )?(0|zero)", r"instead of (comparing )?(with|against) (0|zero)"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          dlogits, _ = softmax_cross_entropy_backward(dloss, loss_cache)
          dh, dW2, db2 = affine_backward(dlogits, aff2_cache)
          centred = relu_cache - relu_cache.mean(axis=0)
          da = dh * (centred > 0)
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),

    # ========================================================================== lstm (17)
    E("ls11_vstack_reshape", "lstm", "lstm_step_backward",
      "The four gate gradients are stacked along the batch axis (np.vstack, (4N, H)) and "
      "reshaped to (N, 4H) instead of concatenated along the columns, so examples and gate "
      "blocks are mixed in da (and in every output built from it except dprev_c).",
      RESHAPE + [r"vstack", r"(stacked|stacks?) (along|on|over) (the )?(batch|rows|first axis|axis 0)",
                 r"(examples|rows) and (gates|blocks).{0,30}(mixed|interleaved)",
                 r"(blocks?|gates?) .{0,30}(mixed|scrambled)", r"instead of (hstack|concatenat)"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          N, H = i.shape
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = dnext_c + dnext_h * o * (1.0 - tanh_c ** 2)
          df = dc * prev_c
          dprev_c = dc * f
          di = dc * g
          dg = dc * i
          da = np.vstack([di * i * (1.0 - i), df * f * (1.0 - f),
                          do * o * (1.0 - o), dg * (1.0 - g ** 2)]).reshape(N, 4 * H)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("ls11_block_offset_k", "lstm", "lstm_step_backward",
      "Filling a preallocated da gate by gate, each block is written at columns k:k+H instead "
      "of k*H:(k+1)*H, so the blocks overlap at the start and the columns from H + 3 on stay 0.",
      [r"offset", r"k ?\* ?H", r"(blocks?|slices?) (overlap|start at)", r"overlap",
       r"(columns?|entries) .{0,40}(zero|left empty|never (filled|written)|stay 0)",
       r"start(s|ing)? (at|of) (column )?k\b", r"(missing|forg\w*) .{0,20}(factor|multiplication) (of |by )?H\b",
       r"shifted by one column"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          N, H = i.shape
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = dnext_c + dnext_h * o * (1.0 - tanh_c ** 2)
          df = dc * prev_c
          dprev_c = dc * f
          di = dc * g
          dg = dc * i
          da = np.zeros((N, 4 * H))
          blocks = [di * i * (1.0 - i), df * f * (1.0 - f), do * o * (1.0 - o), dg * (1.0 - g ** 2)]
          for k, block in enumerate(blocks):
              da[:, k:k + H] = block
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("ls11_i_overwritten_in_place", "lstm", "lstm_step_backward",
      "The input gate's local gradient is computed in place (i *= 1 - i), overwriting the "
      "cached i, and dg = dc * i then uses i(1 - i) where i belongs: the candidate's block "
      "carries an extra factor (1 - i) (and the cache is changed).",
      MUTATE + [r"(candidate|g)'?s? (block|gradient).{0,60}(1 ?- ?i|i ?\*? ?\(1 ?- ?i\)|local gradient of (the )?input gate)",
                r"i ?\* ?\(1 ?- ?i\).{0,40}(instead of|where|in place of) i\b",
                r"(extra|additional|stray) factor \(?1 ?- ?i\)?"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          i *= 1.0 - i                  # the input gate's local gradient
          f_local = f * (1.0 - f)
          o_local = o * (1.0 - o)
          do = dnext_h * tanh_c
          dc = dnext_c + dnext_h * o * (1.0 - tanh_c ** 2)
          df = dc * prev_c
          dprev_c = dc * f
          di = dc * g
          dg = dc * i
          da = np.concatenate([di * i, df * f_local, do * o_local, dg * (1.0 - g ** 2)], axis=1)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("ls11_forget_before_split", "lstm", "lstm_step_backward",
      "The forget gate's factor f is applied to the cell gradient before it is split to the "
      "gates, dc = f * (dnext_c + ...), and dprev_c = dc: dprev_c is right but the i, f and g "
      "blocks of da carry an extra factor f.",
      [r"(extra|additional|stray) factor (of )?f\b", r"(forget gate|\bf\b).{0,40}(applied|multiplied).{0,40}(before|too early|every gate|all (the )?gates|each gate)",
       r"(gates?|blocks?).{0,40}(times|multiplied by) (the forget gate|f)\b", r"f times the right",
       r"f ?\* ?\(dnext_c", r"before (it is|the) split"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = f * (dnext_c + dnext_h * o * (1.0 - tanh_c ** 2))
          dprev_c = dc
          df = dc * prev_c
          di = dc * g
          dg = dc * i
          da = np.concatenate([di * i * (1.0 - i), df * f * (1.0 - f),
                               do * o * (1.0 - o), dg * (1.0 - g ** 2)], axis=1)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("ls11_dg_from_di", "lstm", "lstm_step_backward",
      "The candidate's gradient is built from di (already dc * g) instead of dc: dg = di * i, "
      "so the candidate's block carries an extra factor g.",
      [r"\bdi\b.{0,40}(instead of|where|in place of).{0,20}\bdc\b", r"(extra|additional|stray) factor (of )?g\b",
       r"(candidate|g)'?s? (block|gradient).{0,40}(times|multiplied by) g\b", r"g times the right",
       r"(built|computed|taken) from di\b"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = dnext_c + dnext_h * o * (1.0 - tanh_c ** 2)
          df = dc * prev_c
          dprev_c = dc * f
          di = dc * g
          dg = di * i
          da = np.concatenate([di * i * (1.0 - i), df * f * (1.0 - f),
                               do * o * (1.0 - o), dg * (1.0 - g ** 2)], axis=1)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("ls11_carry_inside_parenthesis", "lstm", "lstm_step_backward",
      "A parenthesis slip, dc = (dnext_c + dnext_h) * o * (1 - tanh(next_c)**2), sends the "
      "carried dnext_c through the output gate and tanh's derivative too, instead of adding "
      "it unchanged.",
      [r"parenthes", r"dnext_c.{0,60}(multiplied by|times|through|by) (the )?(o\b|output gate|tanh)",
       r"(carried|incoming) (cell[- ]state )?(gradient|dnext_c).{0,60}(through|by) (the )?(output gate|o\b|tanh)",
       r"\(dnext_c ?\+ ?dnext_h\)", r"(not|instead of being) added unchanged"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = (dnext_c + dnext_h) * o * (1.0 - tanh_c ** 2)
          df = dc * prev_c
          dprev_c = dc * f
          di = dc * g
          dg = dc * i
          da = np.concatenate([di * i * (1.0 - i), df * f * (1.0 - f),
                               do * o * (1.0 - o), dg * (1.0 - g ** 2)], axis=1)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("ls11_dprev_c_one_minus_f", "lstm", "lstm_step_backward",
      "dprev_c is dc * (1 - f), as if the forget gate gave the share that is forgotten, "
      "instead of dc * f; the other outputs are right.",
      [r"1 ?- ?f\b", r"(one minus|complement of) (the )?(forget gate|f\b)",
       r"(keep|kept|forget).{0,40}(confus|mix|revers|opposite)", r"forget gate.{0,40}(inverted|reversed|complement)",
       r"(share|fraction) (that is )?forgotten"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = dnext_c + dnext_h * o * (1.0 - tanh_c ** 2)
          df = dc * prev_c
          dprev_c = dc * (1.0 - f)
          di = dc * g
          dg = dc * i
          da = np.concatenate([di * i * (1.0 - i), df * f * (1.0 - f),
                               do * o * (1.0 - o), dg * (1.0 - g ** 2)], axis=1)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("ls11_next_c_without_ig", "lstm", "lstm_step_backward",
      "The cell state is recomputed as f * prev_c, leaving out i * g, and tanh of that is used "
      "where tanh(next_c) belongs (in do and on the path from next_h into the cell).",
      [r"i ?\* ?g.{0,40}(missing|forgotten|left out|dropped)", r"(without|missing|forg\w*|leav\w* out|omit\w*|drop\w*) (the )?(term )?i ?\* ?g",
       r"(cell state|next_c).{0,30}recomput\w*.{0,40}(wrong|without|f ?\* ?prev_c)",
       r"(recomput|rebuil)\w*.{0,40}(cell|next_c)", r"f ?\* ?prev_c.{0,40}(instead|where|in place)",
       r"(input gate'?s?|candidate'?s?) (contribution|term|share).{0,40}(missing|forgotten|left out)"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          c = f * prev_c                   # the new cell state
          tanh_c = np.tanh(c)
          do = dnext_h * tanh_c
          dc = dnext_c + dnext_h * o * (1.0 - tanh_c ** 2)
          df = dc * prev_c
          dprev_c = dc * f
          di = dc * g
          dg = dc * i
          da = np.concatenate([di * i * (1.0 - i), df * f * (1.0 - f),
                               do * o * (1.0 - o), dg * (1.0 - g ** 2)], axis=1)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("ls11_tanh_c_is_g", "lstm", "lstm_step_backward",
      "The candidate g (the other tanh in the cell) is taken for tanh(next_c): do = dnext_h * g "
      "and the path from next_h into the cell uses 1 - g**2.",
      [r"\bg\b.{0,40}(instead of|where|in place of).{0,30}tanh ?\(?(next_c|c|the cell)",
       r"candidate.{0,60}(instead of|where|in place of).{0,30}tanh",
       r"tanh\(next_c\).{0,40}(replaced|confused|mixed)", r"(confus|mix)\w*.{0,30}(\bg\b|candidate).{0,30}tanh",
       r"dnext_h ?\* ?g\b"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = g
          do = dnext_h * tanh_c
          dc = dnext_c + dnext_h * o * (1.0 - tanh_c ** 2)
          df = dc * prev_c
          dprev_c = dc * f
          di = dc * g
          dg = dc * i
          da = np.concatenate([di * i * (1.0 - i), df * f * (1.0 - f),
                               do * o * (1.0 - o), dg * (1.0 - g ** 2)], axis=1)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("lb11_dh0_summed_over_steps", "lstm", "lstm_backward",
      "dh0 accumulates every step's dprev_h (summed like the weights) instead of being only "
      "what step 0 sends back; the other outputs are right.",
      [r"(sum|summed|accumulat\w*|total).{0,40}(every|all|each) (time )?steps?'?.{0,40}(dprev_h|hidden|gradient)",
       r"dh0.{0,60}(sum|summed|accumulat|total)", r"(every|all) steps'? (dprev_h|hidden(-state)? gradients)",
       r"(instead of|not) (only )?(step 0|the first step)'?s?", r"(like|as for) the weights"],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])
          dh0 = np.zeros((N, H))
          dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
          for t in reversed(range(T)):
              dx[:, t], dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(
                  dh[:, t] + dprev_h, dprev_c, cache[t])
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
              dh0 += dprev_h
          return dx, dh0, dWx, dWh, db
      """),
    E("lb11_two_pass_own_carry", "lstm", "lstm_backward",
      "In a second pass that recomputes the weight gradients, each step is given the carries "
      "it sent back itself (carry[t]) instead of those it received from step t + 1: dWx, dWh "
      "and db are wrong; dx and dh0 (from the first pass) are right.",
      SHIFT + [r"(carr(y|ies)|carried gradients?).{0,60}(it sen[dt]s?|sent back|its own|of the same step|step t'?s? own)",
               r"(what|the gradients?) (step t|each step|it) (sends|sent) back.{0,40}(instead|where)",
               r"carry\[t\] (instead of|where) carry\[t ?\+ ?1\]"],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])
          # first pass: the carries, carry_h[t] and carry_c[t] = what step t sends back
          carry_h, carry_c = [None] * T, [None] * T
          dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
          for t in reversed(range(T)):
              dx[:, t], dprev_h, dprev_c, _, _, _ = lstm_step_backward(
                  dh[:, t] + dprev_h, dprev_c, cache[t])
              carry_h[t], carry_c[t] = dprev_h, dprev_c
          # second pass: the weights, each step with the carry that reaches it
          for t in range(T):
              in_h = carry_h[t] if t < T - 1 else np.zeros((N, H))
              in_c = carry_c[t] if t < T - 1 else np.zeros((N, H))
              _, _, _, dWx_t, dWh_t, db_t = lstm_step_backward(dh[:, t] + in_h, in_c, cache[t])
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev_h, dWx, dWh, db
      """),
    E("lb11_last_cache_every_step", "lstm", "lstm_backward",
      "An index typo, cache[T - 1] for cache[t]: every step is backpropagated with the last "
      "step's cache (its inputs, states and gates); only the last time step is right.",
      [r"(last|final) (step'?s? )?cache.{0,40}(every|each|all)", r"(every|each|all) steps?.{0,40}(last|final) (step'?s? )?cache",
       r"cache\[(T ?- ?1|-1)\]", r"same cache", r"only the last (time )?step.{0,20}(is )?right",
       r"(wrong|another|other) step'?s? (cache|states?|gates|inputs?)"],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])
          dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
          for t in reversed(range(T)):
              dx[:, t], dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(
                  dh[:, t] + dprev_h, dprev_c, cache[T - 1])
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev_h, dWx, dWh, db
      """),
    E("lb11_dh_times_output_gate", "lstm", "lstm_backward",
      "The loss's dh[:, t] is multiplied by the step's output gate o before it is passed in, "
      "although lstm_step_backward goes through o itself: the direct part carries an extra "
      "factor o.",
      [r"(multiplied|scaled|gated) by (the )?(step'?s? )?(output gate|o\b|o_t)",
       r"(output gate|\bo\b).{0,40}(twice|again|two times|a second time|extra)",
       r"(extra|additional) factor (of )?(o\b|the output gate)", r"dh.{0,40}(times|\*) ?o\b",
       r"o times the right"],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])
          dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
          for t in reversed(range(T)):
              o_t = cache[t][7]
              dx[:, t], dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(
                  dh[:, t] * o_t + dprev_h, dprev_c, cache[t])
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev_h, dWx, dWh, db
      """),
    E("lb11_call_arguments_swapped", "lstm", "lstm_backward",
      "The step is called with its two upstream gradients in the wrong order, "
      "lstm_step_backward(dprev_c, dh[:, t] + dprev_h, ...): the cell carry arrives as dnext_h "
      "and the hidden gradient as dnext_c.",
      [r"(arguments?|dnext_h and dnext_c|upstream gradients?|inputs?).{0,40}(swapped|exchanged|wrong order|each other)",
       r"(hidden|cell)(-state)? (and|or) (cell|hidden)(-state)? (gradients?|carr\w*).{0,40}(swapped|exchanged|each other|mixed)",
       r"each other'?s? place", r"(cell|dprev_c).{0,40}(as|into|for|in place of) (dnext_h|the hidden)",
       r"(hidden|dh).{0,40}(as|into|for|in place of) (dnext_c|the cell)"],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])
          dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
          for t in reversed(range(T)):
              dx[:, t], dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(
                  dprev_c, dh[:, t] + dprev_h, cache[t])
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev_h, dWx, dWh, db
      """),
    E("hb11_magnitude_times_r", "lstm", "huber_backward",
      "The gradient is written min(|r|, delta) * r instead of min(|r|, delta) * sign(r): "
      "|r| times the right one everywhere (r * |r| inside, delta * r outside).",
      [r"times r\b.{0,40}(instead of|not|where).{0,20}sign", r"sign ?\(?r?\)?.{0,40}(missing|forgotten|replaced)",
       r"\|r\| ?\* ?r", r"r ?\* ?\|r\|", r"\|r\| times the right", r"(extra|additional|stray) factor (of )?\|?r\|?",
       r"(outside|linear).{0,60}delta ?\* ?r\b", r"(inside|quadratic).{0,60}(r ?\*\* ?2|r\^2|squared|\|r\| ?times)"],
      """
      def huber_backward(dloss, r, delta=1.0):
          return dloss * np.minimum(np.abs(r), delta) * r / r.size
      """),
    E("hb11_mean_of_clip_broadcast", "lstm", "huber_backward",
      "The mean is taken literally: every entry gets the mean of the clipped errors, "
      "dloss * mean(clip(r)), instead of each entry's own clip(r) / r.size.",
      CONSTANT + [r"(mean|average).{0,40}(every|each|all) (entr|element)",
                  r"(averaged|mean) (over|of) (the )?(entries|clipped|errors)",
                  r"(one|a single) (number|value)", r"(every|each|all) entr\w* (is |are |holds? |gets? |has |have )?(the )?same"],
      """
      def huber_backward(dloss, r, delta=1.0):
          return np.full_like(r, dloss * np.mean(np.clip(r, -delta, delta)))
      """),
    E("hb11_outside_constant_kept", "lstm", "huber_backward",
      "Outside |r| <= delta the derivative of delta * (|r| - delta/2) keeps the constant's "
      "0.5: delta * (sign(r) - 0.5) instead of delta * sign(r), so the outside is off by "
      "-delta/2 (times dloss / r.size); the inside is right.",
      [r"(minus|-) ?0\.5", r"0\.5 ?\*? ?delta", r"(minus|-) ?(delta ?/ ?2|half)", r"constant.{0,40}(not dropped|differentiat|kept|derivative)",
       r"(derivative|gradient) of (the |a )?constant", r"(off|shifted) by -? ?(delta ?/ ?2|half)",
       r"(outside|linear).{0,60}(too small|minus|offset|shifted)"],
      """
      def huber_backward(dloss, r, delta=1.0):
          a = np.abs(r)
          per_entry = np.where(a <= delta, r, delta * (np.sign(r) - 0.5))
          return dloss * per_entry / r.size
      """),
]
