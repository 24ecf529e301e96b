"""A tenth held-out catalogue of wrong implementations (issue #27), written blind.

Written on 2026-12-07 (15:28-15:45 UTC) by helper blind10, which did not read the checks,
the explainer, the detectors, their tests, the docs about feedback wording, the grader's
messages, any grader output, git log messages or diffs, docs/MEASUREMENTS.md or the reader
reports. It read only bench/catalogue_heldout*.py (for the format and to avoid their slips),
the docstring of bench/feedback_catalogue.py, the graded functions' signatures, docstrings
and worked solution cells, and /work/shared/CURRICULUM.md. It was committed before any entry
was run through the grader (no feedback_catalogue run, no test cell, no pytest, no grading
CLI). Each entry was checked only against the worked solutions, with a throwaway script: it
runs, returns float64 outputs of the right shapes, and differs from the worked solution by
more than 3% somewhere, on three seeds (0, 1, 2); on six further seeds three entries come
within 3% on one seed each, in degenerate draws: rr10_prev_states_rolled_wrong_way and
rr10_precedence_boolean_delta when the ReLU state has died (every gradient is then 0), and
mlp10_relu_loop_skips_last_unit when the last hidden unit is inactive on every example.

    python bench/feedback_catalogue.py bench/catalogue_heldout10.py

Each entry is a whole wrong solution cell for one graded function, written the way a student
slips, and each is a slip that none of the nine earlier held-out catalogues has. This round
leans towards slips inside the bodies of the longer backward passes and gives the RNN (its
time loops, the clipping and spectral helpers), the sigmoid and the ReLU notebooks more
entries: in the LSTM step a gate differentiated in a loop with the wrong bound, dWh taken
before the candidate's block of da is written, dWx's o and g blocks exchanged in dWx only,
the cell path scaled by o(1 - o), tanh(next_c**2) for tanh(next_c)**2; in the LSTM sequence
the cell carry started at ones, the weight sums skipping one entry of a list, dh0 saved at
the wrong step; in the RNN the state list rolled the wrong way, the step's input carried
instead of its output, dh reshaped instead of transposed; in the softmax network dW1 built
from the unmasked hidden gradient, the hidden path missing the 1/N, the softmax's Jacobian
written with the identity where diag(p) belongs.
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
           r"right (values|numbers) in (the )?wrong (places?|order)", r"(rows|examples) (are )?mixed"]
SHIFT = [r"shift", r"off[- ]by[- ]one", r"(belongs?|meant) (to|for) (the )?(next|previous|neighbou?ring|adjacent) (step|row|unit|example)",
         r"(next|following|later|neighbou?ring|adjacent|previous|earlier) (time )?step'?s? (upstream|dh|carry|gradient|state|value)",
         r"one step (early|late|earlier|later|off|too)", r"\broll", r"(delayed|lag)"]
REVERSED = [r"revers", r"mirror", r"backwards? in time", r"(time )?order of the (steps|caches)",
            r"(last|first) step'?s? cache", r"T\s*-\s*1\s*-\s*t"]
NEGATED = [r"(-1|minus one|−1) times", r"negat(ed|ion|ive of)", r"opposite sign", r"sign (is )?(flipped|wrong|reversed)",
           r"wrong sign", r"flipped sign", r"sign error"]
HALF = [r"\bhalf\b", r"1\s*/\s*2\b", r"0\.5 times", r"two times too small", r"twice too small"]
DOUBLE = [r"\b2 times", r"two times", r"twice", r"doubl", r"2x\b", r"factor (of )?(2|two)\b"]
ZEROS = [r"all zeros?", r"(is|are|stays?|left|returns?) (all )?zeros?", r"zero everywhere", r"never (filled|written|set)"]
CONSTANT = [r"constant", r"same (value|number) (everywhere|in every|for every|in each)", r"does not depend",
            r"independent of"]
LAST_STEP_ONLY = [r"only (the )?last (time )?step", r"(every|all) (time )?steps? (but|except) the last",
                  r"only (at )?t\s*=\s*T\s*-\s*1"]
TRANSPOSED = [r"transpos", r"rows and columns (are )?(swapped|exchanged)", r"(indices|axes) (swapped|exchanged)"]
GATE_I = r"(input gate|\bi\b|i[- ]gate|i block|block i)"
GATE_F = r"(forget gate|\bf\b|f[- ]gate|f block|block f)"
GATE_O = r"(output gate|\bo\b|o[- ]gate|o block|block o)"
GATE_G = r"(candidate|\bg\b|g[- ]gate|g block|block g|cell input)"


CATALOGUE = [
    # ======================================================================== staged (8)
    E("st10_num_unit_vector_not_reset", "staged", "numerical_gradient",
      "The unit vector e is made once before the loop and e[i] = 1 is set at each index without "
      "clearing the previous one, so the k-th estimate perturbs entries 0..k at once: each entry "
      "holds the sum of its own partial derivative and those of every entry before it.",
      [r"(cumulative|running) sum", r"sum of (the )?(partials?|derivatives?|gradients?|entries) (of|for|up to|over)",
       r"(previous|earlier|preceding) (entries|indices|ones)[^.]{0,60}(still|also|too|as well|perturb|included|add)",
       r"(unit vector|e_?i|direction|perturbation)[^.]{0,60}(not (reset|cleared|zeroed)|never (reset|cleared|zeroed)|accumulat|keeps?|without (clearing|resetting|zeroing))",
       r"(more than one|several|many|multiple) (entries|coordinates|indices) (are )?(perturbed|moved|stepped)",
       r"(each|every) entry[^.]{0,40}(plus|and) (all|every) (the )?(entries|ones) before",
       r"perturb\w*[^.]{0,40}(all|every) (the )?(entries|indices) (up to|before)", r"cumsum", r"(previous|earlier) (ones?|entries|indices) (are )?(not|never) (cleared|reset|zeroed)",
       r"(not|never|without) (clear|reset|zero)\w* (the )?(previous|earlier|old) (entr|ind|one)"],
      """
      def numerical_gradient(f, x, h=1e-5):
          grad = np.zeros(x.shape, dtype=np.float64)
          e = np.zeros(x.shape, dtype=np.float64)
          for i in np.ndindex(x.shape):
              e[i] = 1.0
              f_plus = f(x + h * e)
              f_minus = f(x - h * e)
              grad[i] = (f_plus - f_minus) / (2 * h)
          return grad
      """),
    E("st10_dsigy_from_dx", "staged", "staged_backward",
      "The gradient arriving at sigmoid(y) is taken from the running dx (all of x's paths) "
      "instead of from dnum, so dy's path through the numerator uses x's whole gradient; dx is right.",
      [r"(dsigy|sigmoid\(y\)|sigy)[^.]{0,60}(dx|x'?s? (whole |full |total )?gradient)",
       r"dx (instead of|where|in place of) dnum", r"(running|accumulated|whole|full|total) dx",
       r"(gradient of|on|arriving at) x[^.]{0,40}(used|taken|sent)[^.]{0,40}(y|sigmoid\(y\)|numerator)",
       r"(numerator|sigmoid\(y\))[^.]{0,60}(wrong|other) (upstream|incoming) gradient",
       r"(path|term|share|contribution) (of dy )?through (the )?(numerator|sigmoid\(y\)|sigy)[^.]{0,80}(dx|gradient of x|x'?s)"],
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
          dsigy = 1.0 * dx
          dy += sigy * (1.0 - sigy) * dsigy
          return dx, dy
      """),
    E("st10_square_from_cached_square", "staged", "staged_backward",
      "The square's local gradient is recomputed from the cached square as 2 * sqrt(xpysqr), "
      "which is 2|x + y| and loses the sign of x + y: where x + y < 0 the paths through the "
      "square have the opposite sign.",
      [r"sqrt", r"square root", r"\|x ?\+ ?y\|", r"abs\w*[^.]{0,30}(x ?\+ ?y|xpy)",
       r"(sign of|sign) (x ?\+ ?y|\(x ?\+ ?y\)|xpy)[^.]{0,30}(lost|dropped|missing|ignored)",
       r"(where|when|for) (x ?\+ ?y|xpy) ?(<|is negative|is below)",
       r"(square|\(x ?\+ ?y\) ?\*\* ?2)[^.]{0,60}(sign|negat|opposite)",
       r"(negat|opposite)[^.]{0,60}(where|when) x ?\+ ?y"],
      """
      def staged_backward(df, cache):
          x, y, sigy, num, sigx, xpy, xpysqr, den, invden = cache
          dnum = invden * df
          dinvden = num * df
          dden = (-1.0 / den ** 2) * dinvden
          dsigx = 1.0 * dden
          dxpysqr = 1.0 * dden
          dxpy = (2.0 * np.sqrt(xpysqr)) * dxpysqr
          dx = 1.0 * dxpy
          dy = 1.0 * dxpy
          dx += sigx * (1.0 - sigx) * dsigx
          dx += 1.0 * dnum
          dsigy = 1.0 * dnum
          dy += sigy * (1.0 - sigy) * dsigy
          return dx, dy
      """),
    E("st10_add_fork_rule", "staged", "add_backward",
      "The fork rule (gradients add) is applied where it does not belong: dx is dout plus dy's "
      "copy, 2 times dout, instead of dout; dy is right.",
      DOUBLE + [r"(fork|gradients add|added|sum)[^.]{0,60}(dx|x'?s gradient|first input)",
       r"dout ?\+ ?dout", r"dy (is )?added (in)?to dx", r"(both|two) (contributions|copies)[^.]{0,30}(added|summed)"],
      """
      def add_backward(dout, x, y):
          dx = dout.copy()
          dy = dout.copy()
          dx = dx + dy
          return dx, dy
      """),
    E("st10_mul_summed_like_shared_weight", "staged", "mul_backward",
      "Each gradient is summed over all entries, as for the shared weight of the scaling "
      "experiment: every entry of dx holds sum(dout * y) and every entry of dy sum(dout * x), "
      "instead of the elementwise products.",
      CONSTANT + [r"(summed|sum) over (all )?(the )?(entries|elements|array)", r"shared weight",
       r"(one|a single) (number|value|scalar)[^.]{0,40}(broadcast|everywhere|every entry|repeated)",
       r"total (of|over)", r"(every|each|all) entr(y|ies)[^.]{0,40}(same|equal|identical)",
       r"sum\(dout ?\* ?(x|y)\)", r"instead of (the )?elementwise"],
      """
      def mul_backward(dout, x, y):
          dx = np.full(x.shape, np.sum(dout * y))
          dy = np.full(y.shape, np.sum(dout * x))
          return dx, dy
      """),
    E("st10_max_soft_split", "staged", "max_backward",
      "The gradient is shared between the two inputs in the proportions sigmoid(x - y) and "
      "sigmoid(y - x) (a smooth max) instead of all of dout to the winner and 0 to the loser.",
      [r"smooth", r"soft ?max", r"sigmoid", r"(shared|split|divided|distributed) (between|among|over) (both|the two)",
       r"(both|each) input\w* (gets?|receives?) (a )?(part|share|fraction|some)",
       r"los(er|ing input)[^.]{0,40}(non-?zero|gets? (some|a part|a share)|not zero|receives? (some|part))",
       r"(winner|winning input)[^.]{0,40}(less than|only part|not (all|the whole|the full))",
       r"(not|never) (exactly )?(zero|0(?![.\d])) (where|for|at) the (loser|input that lost)"],
      """
      def max_backward(dout, x, y):
          share = 1.0 / (1.0 + np.exp(-(x - y)))
          dx = dout * share
          dy = dout * (1.0 - share)
          return dx, dy
      """),
    E("st10_softplus_dx_overwritten", "staged", "softplus_circuit",
      "x is used three times but the numerator's term assigns dx (dx = dnum * t) instead of "
      "adding to it, so x's path through the denominator 1 + x**2 is lost; g and dy are right.",
      [r"overwr", r"(assign|replac)\w*[^.]{0,40}(instead of|rather than) (add|accumulat|\+=)",
       r"(path|term|share|contribution|use) (of x )?through (the )?(denominator|1 ?\+ ?x ?\*\* ?2|1 ?\+ ?x\^?2|x ?\*\* ?2|den)[^.]{0,60}(missing|lost|dropped|forgotten|left out|absent)",
       r"(missing|lost|dropped|forgotten|left out)[^.]{0,60}(path|term|share|contribution|use) (of x )?through (the )?(denominator|1 ?\+ ?x|x ?\*\* ?2)",
       r"(fork|x is used (three|3|several) times|gradients add)", r"(minus|without) (the )?(denominator'?s?|1 ?\+ ?x ?\*\* ?2)"],
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
          dx = dnum * t
          dt = dnum * x
          dy = dt * (1.0 - t ** 2)
          de = dsoft / (1.0 + e)
          du = de * e
          dx = dx + du * y
          dy = dy + du * x
          return g, dx, dy
      """),
    E("st10_softplus_precedence_de", "staged", "softplus_circuit",
      "A precedence slip, de = dsoft / 1.0 + e, adds e = exp(x y) to the gradient instead of "
      "dividing by 1 + e: the softplus's share of dx and dy is wrong; g and the fraction's share "
      "are right.",
      [r"precedence", r"parenthes", r"dsoft ?/ ?1(\.0)? ?\+ ?e", r"(adds?|plus|added) (e|exp\(x ?\*? ?y\)|exp\(u\))",
       r"(instead of|rather than|not) divid\w* by (1 ?\+ ?e|1 ?\+ ?exp)",
       r"(softplus|log\(1 ?\+ ?e)[^.]{0,80}(derivative|gradient|share|path|term)[^.]{0,60}(wrong|plus|add|instead|not divided)",
       r"(derivative|gradient) of (the )?(softplus|log\(1 ?\+ ?exp)"],
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
          de = dsoft / 1.0 + e
          du = de * e
          dx = dx + du * y
          dy = dy + du * x
          return g, dx, dy
      """),
    # ======================================================================== sigmoid (8)
    E("sg10_exp_square_precedence", "sigmoid", "sigmoid_layer_backward",
      "The sigmoid's derivative is written from the pre-activation as exp(-a) / (1 + exp(-a)**2), "
      "squaring exp(-a) instead of (1 + exp(-a)): the local gradient is 1 / (2 cosh a) instead "
      "of z(1 - z), so dx and dW are wrong.",
      [r"precedence", r"parenthes", r"1 ?\+ ?(np\.)?exp\(-a\) ?\*\* ?2", r"exp\(-a\) ?\*\* ?2",
       r"\(1 ?\+ ?(np\.)?exp\(-a\)\) ?\*\* ?2[^.]{0,40}(instead|where|belongs)",
       r"cosh", r"square[^.]{0,40}(exp|only the exponential|wrong (place|term))",
       r"(local gradient|derivative)[^.]{0,60}(not|isn'?t|instead of) z ?\(1 ?- ?z\)",
       r"(local gradient|derivative) (of the sigmoid )?(is )?wrong"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          a = W @ x
          local = np.exp(-a) / (1.0 + np.exp(-a) ** 2)
          da = dz * local
          dx = W.T @ da
          dW = np.outer(da, x)
          return dx, dW
      """),
    E("sg10_dx_without_dz", "sigmoid", "sigmoid_layer_backward",
      "dx sends back the local gradients z(1 - z) alone, without the upstream gradient dz: "
      "dx = W.T @ (z * (1 - z)); dW is right.",
      [r"(without|forg\w*|miss\w*|ignor\w*|drop\w*|left out|leaves? out)[^.]{0,40}(the )?(upstream|incoming|dz)",
       r"(upstream|incoming) (gradient )?(dz )?(is )?(not|never) (used|multiplied)",
       r"dx[^.]{0,60}(as if|for) dz ?= ?1", r"(does not|doesn'?t) depend on dz", r"independent of dz",
       r"(local gradient|z ?\(1 ?- ?z\))[^.]{0,30}alone", r"only the local gradient"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          local = z * (1.0 - z)
          dx = W.T @ local
          dW = np.outer(dz * local, x)
          return dx, dW
      """),
    E("sg10_loop_first_unit_twice", "sigmoid", "sigmoid_layer_backward",
      "dx is started with the first unit's contribution W[0] * da[0] and the loop over the "
      "units then runs from 0 again, so unit 0's contribution is counted twice in dx; dW is right.",
      [r"(first|unit 0|unit zero|row 0)[^.]{0,60}(twice|two times|double|again|extra)",
       r"(plus|extra|too many)[^.]{0,40}(W\[0\]|first (unit|row))", r"W\[0\] ?\* ?da\[0\]",
       r"(starts?|initiali[sz]\w*) (with|from) (the )?first unit", r"loop[^.]{0,40}(start|bound|from 0)",
       r"dx[^.]{0,40}(off|too large) by[^.]{0,40}first unit"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          da = dz * z * (1.0 - z)
          H = W.shape[0]
          dx = W[0] * da[0]
          dW = np.zeros_like(W)
          for i in range(H):
              dx = dx + W[i] * da[i]
              dW[i] = da[i] * x
          return dx, dW
      """),
    E("sg10_sigma_minus_output", "sigmoid", "sigmoid_layer_backward",
      "Using sigmoid'(a) = sigmoid(a) * sigmoid(-a), the second factor is evaluated at the "
      "output z instead of the pre-activation: z * sigmoid(-z) where z(1 - z) belongs.",
      [r"sigmoid\(-z\)", r"sigmoid\(-?z\)", r"(sigmoid|σ|sigma) (of|at|applied to) (the )?(output|z\b)",
       r"(output|z) (where|instead of|in place of) (the )?(pre-?activation|a\b|W ?@ ?x)",
       r"(pre-?activation|a\b)[^.]{0,40}(replaced|confused|mixed up) (by|with) (the )?(output|z)",
       r"sigmoid (is )?applied (again|a second time|twice|to the output)",
       r"(local gradient|derivative)[^.]{0,60}(evaluated|taken|computed) at (the )?(wrong point|output)"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          local = z * sigmoid(-z)
          da = dz * local
          dx = W.T @ da
          dW = np.outer(da, x)
          return dx, dW
      """),
    E("sg10_dW_input_index_shift", "sigmoid", "sigmoid_layer_backward",
      "In a loop over the inputs, column j of dW is paired with the previous input x[j - 1] (an "
      "index typo): every column of dW holds the neighbouring input's values, column 0 the last "
      "input's; dx is right.",
      SHIFT + [r"x\[j ?- ?1\]", r"(previous|neighbou?ring|adjacent|wrong|other) input",
       r"columns? (of dW )?(are )?(shifted|rotated|rolled|mixed|permuted)",
       r"(each|every) column[^.]{0,60}(other|previous|neighbou?ring|wrong) (input|column)",
       r"index (typo|slip|error)"] + RESHAPE[:4],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          da = dz * z * (1.0 - z)
          D = x.shape[0]
          dx = np.zeros(D)
          dW = np.zeros_like(W)
          for j in range(D):
              dx[j] = W[:, j] @ da
              dW[:, j] = da * x[j - 1]
          return dx, dW
      """),
    E("sat10_precedence_local_zero", "sigmoid", "saturated_fraction",
      "A precedence slip, local = Z * 1.0 - Z, makes every local gradient 0, so every pair is "
      "counted saturated and the answer is always 1.",
      [r"precedence", r"parenthes", r"Z ?\* ?1(\.0)? ?- ?Z", r"(every|all) pairs?[^.]{0,40}(counted|saturated)",
       r"always (1|one|returns 1)", r"(local gradient|z ?\(1 ?- ?z\))[^.]{0,40}(is |are )?(always |all )?(zero|0(?![.\d]))",
       r"(returns?|answer is|gives) 1(\.0)? (whatever|for every|regardless|always)"] + CONSTANT,
      """
      def saturated_fraction(W, X, tol=1e-3):
          Z = sigmoid(X @ W.T)
          local = Z * 1.0 - Z
          return float(np.mean(local < tol))
      """),
    E("sat10_first_unit_only", "sigmoid", "saturated_fraction",
      "Only the first unit's weights W[0] are used: it returns the fraction of examples on which "
      "unit 0 is saturated instead of the fraction of all N * H (example, unit) pairs.",
      [r"(first|one|single) unit", r"unit 0", r"W\[0\]", r"(only|just) (one|the first) (row|unit)",
       r"(other|remaining) units[^.]{0,40}(ignored|left out|not (counted|used))",
       r"over (the )?examples only", r"(instead of|not) (over )?(all )?(the )?N ?\* ?H"],
      """
      def saturated_fraction(W, X, tol=1e-3):
          Z = sigmoid(X @ W[0])
          local = Z * (1.0 - Z)
          return float(np.mean(local < tol))
      """),
    E("sat10_mean_local_compared", "sigmoid", "saturated_fraction",
      "The mean of the local gradients over all pairs is compared with tol, so the answer is 0 "
      "or 1 (whether the average pair is saturated) instead of the fraction of saturated pairs.",
      [r"(mean|average) (local gradient|of the local gradients|z ?\(1 ?- ?z\))[^.]{0,40}(compared|below|<|against)",
       r"(compar|test)\w*[^.]{0,40}(mean|average)[^.]{0,40}(tol|threshold)",
       r"(only|always) (0|1|zero|one) (or|and) (0|1|zero|one)", r"(0|zero) or (1|one)\b",
       r"(a )?(boolean|yes/no|true/false|single (test|comparison))",
       r"(instead of|not) (the )?(fraction|share|proportion) of (the )?(saturated )?pairs",
       r"(mean|average) (taken |computed )?before (the )?(comparison|threshold|test)"],
      """
      def saturated_fraction(W, X, tol=1e-3):
          Z = sigmoid(X @ W.T)
          local = Z * (1.0 - Z)
          return float(np.mean(local) < tol)
      """),
    # ======================================================================== relu (8)
    E("rl10_half_at_zero", "relu", "relu_backward",
      "At a == 0 exactly it passes half of dout (the midpoint of the subgradient [0, 1]) instead "
      "of 0; elsewhere it is right.",
      HALF + [r"(a ?== ?0|exactly (zero|0(?![.\d]))|at (zero|0(?![.\d]))|where a is (exactly )?(zero|0(?![.\d])))",
       r"subgradient", r"midpoint", r"0\.5 ?\* ?dout", r"kink",
       r"(zero|0(?![.\d])) (inputs?|entries|pre-?activations?)[^.]{0,40}(should|must) (get|be|block)"],
      """
      def relu_backward(dout, cache):
          a = cache
          da = dout * (a > 0) + 0.5 * dout * (a == 0)
          return da
      """),
    E("rl10_mask_previous_row", "relu", "relu_backward",
      "In a loop over the rows the mask is read from a[n - 1] (an index typo): each example's "
      "gradient is masked by the previous example's input, row 0 by the last one's.",
      SHIFT + [r"a\[n ?- ?1\]", r"(previous|other|neighbou?ring|wrong|another) (example|row)'?s? (input|mask|pre-?activation|a\b)",
       r"mask[^.]{0,60}(of|from) (the )?(previous|other|neighbou?ring|wrong) (example|row)",
       r"rows? (are )?(mixed|shifted|rotated|rolled)", r"index (typo|slip|error)"],
      """
      def relu_backward(dout, cache):
          a = cache
          da = np.zeros_like(dout, dtype=np.float64)
          for n in range(a.shape[0]):
              da[n] = np.where(a[n - 1] > 0, dout[n], 0.0)
          return da
      """),
    E("dn10_loop_skips_last_unit", "relu", "dead_neuron_fraction",
      "The loop over the units runs range(H - 1), so the last unit is never tested: when it is "
      "dead the fraction is 1/H too small.",
      [r"last unit[^.]{0,40}(never|not|skipped|missing|ignored|untested|uncounted)", r"range\(H ?- ?1\)", r"(loop|range)[^.]{0,40}(bound|stops?|one (short|too few|early))",
       r"off[- ]by[- ]one", r"1 ?/ ?H (too (small|low|few)|less|short)", r"(one|1) (dead )?unit (too few|short|missing|fewer|less)",
       r"(minus|less) 1 ?/ ?H", r"(miss|skip|ignor|never (test|check|count))\w*[^.]{0,40}(last|final) unit",
       r"count\w*[^.]{0,40}(one|1) (less|fewer|too few)"],
      """
      def dead_neuron_fraction(W, b, X):
          H = W.shape[0]
          dead = 0
          for j in range(H - 1):
              if np.all(X @ W[j] + b[j] <= 0):
                  dead += 1
          return float(dead / H)
      """),
    E("dn10_dead_from_weights", "relu", "dead_neuron_fraction",
      "A unit is called dead when all its weights are <= 0 (np.all(W <= 0, axis=1)), judged "
      "from the weights alone, instead of when its pre-activation X @ W.T + b is <= 0 on every "
      "example: the data and the bias are never used.",
      [r"(from|by|on) (the )?weights (alone|only)", r"(weights|W) ?<=? ?0", r"(ignor|never us|without|not us)\w*[^.]{0,30}(the )?(data|inputs?|X|examples)",
       r"(data|inputs?|X)[^.]{0,30}(ignored|never used|not used|unused)", r"(bias|b)[^.]{0,30}(ignored|never used|not used|unused|left out)",
       r"(does not|doesn'?t) depend on (the )?(data|inputs?|X|bias)", r"independent of (the )?(data|inputs?|X)",
       r"(instead of|not) (on |from )?(the )?pre-?activations?"],
      """
      def dead_neuron_fraction(W, b, X):
          dead = np.all(W <= 0, axis=1)
          return float(np.mean(dead))
      """),
    E("lk10_negative_side_times_a", "relu", "leaky_relu_backward",
      "On the negative side the local gradient is slope * a (the forward's output there) instead "
      "of slope, so it returns slope * a * dout: a times the right value where a <= 0; the "
      "positive side is right.",
      [r"slope ?\* ?a ?\* ?dout", r"times (the input )?a\b", r"(factor|multipl\w* by) (the input )?a\b",
       r"(forward'?s? )?(output|value) (slope ?\* ?a )?(instead of|where|in place of) (the )?(slope|local gradient|derivative)",
       r"(negative side|a ?<=? ?0|where a is (not positive|negative))[^.]{0,80}(times a\b|a times|\* ?a\b|extra factor|proportional to a|scaled by a)",
       r"a times (the right|too)", r"(forward value|output) (used|taken) as (the )?(local )?(gradient|derivative)"],
      """
      def leaky_relu_backward(dout, cache):
          a, slope = cache
          da = np.where(a > 0, dout, slope * a * dout)
          return da
      """),
    E("lk10_loop_skips_last_row", "relu", "leaky_relu_backward",
      "The loop over the rows runs range(len(a) - 1) into a zero-filled result, so the last "
      "row (the last example) stays 0; the other rows are right.",
      [r"last (row|example|entry)", r"range\(len\(a\) ?- ?1\)", r"(loop|range)[^.]{0,40}(bound|stops?|one (short|too few|early))",
       r"off[- ]by[- ]one", r"(last|final) (row|example)[^.]{0,40}(zero|0(?![.\d])|missing|never|empty|unfilled|not (filled|written|computed))",
       r"(every|all) (rows?|examples?) (but|except) the last", r"only the last (row|example) is (wrong|off|zero)"],
      """
      def leaky_relu_backward(dout, cache):
          a, slope = cache
          da = np.zeros_like(dout, dtype=np.float64)
          for n in range(len(a) - 1):
              da[n] = np.where(a[n] > 0, dout[n], slope * dout[n])
          return da
      """),
    E("pr10_side_from_output", "relu", "prelu_backward",
      "The negative side is chosen by the sign of the output alpha * a instead of a itself, so "
      "for units with a negative slope the two sides are exchanged in both da and dalpha.",
      [r"alpha ?\* ?a ?<=? ?0", r"(sign|side)s? (of|from|chosen by) (the )?(output|alpha ?\* ?a|product)",
       r"negative (slope|alpha)", r"alpha ?< ?0", r"(units?|columns?) (with|where) (a )?(negative )?(alpha|slope) (is )?(negative|< ?0|below zero)",
       r"(sides|regions) (are )?(swapped|exchanged|reversed|flipped)[^.]{0,60}(negative|alpha|slope)",
       r"(output|alpha ?\* ?a) (instead of|where|in place of) (the input )?a\b"],
      """
      def prelu_backward(dout, cache):
          a, alpha = cache
          negative = alpha * a <= 0
          da = np.where(negative, alpha * dout, dout)
          dalpha = np.sum(np.where(negative, a * dout, 0.0), axis=0)
          return da, dalpha
      """),
    E("pr10_dalpha_from_da", "relu", "prelu_backward",
      "dalpha is summed from da (already alpha * dout on the negative side) instead of from "
      "dout: each unit's dalpha carries an extra factor alpha[j]; da is right.",
      [r"(from|uses?|used|with) da\b", r"da (instead of|where|in place of) dout",
       r"(extra|additional|spurious) factor (of )?alpha", r"alpha times (the right|too)",
       r"times alpha", r"(multiplied|scaled) by alpha", r"alpha ?\* ?a ?\* ?dout",
       r"(each|every) unit'?s? (value|entry|dalpha)[^.]{0,40}alpha"],
      """
      def prelu_backward(dout, cache):
          a, alpha = cache
          negative = a <= 0
          da = np.where(negative, alpha * dout, dout)
          dalpha = np.sum(np.where(negative, a * da, 0.0), axis=0)
          return da, dalpha
      """),
    # ======================================================================== rnn (12)
    E("rr10_prev_states_rolled_wrong_way", "rnn", "relu_rnn_backward",
      "Written with a matrix of previous states, np.roll(hs, -1, axis=0) with h0 put in the "
      "last row, rolls the states the wrong way: step t's delta is paired with hs[t + 1] instead "
      "of hs[t - 1] (the last step with h0) in dWhh; dh0 is right.",
      SHIFT + [r"hs\[t ?\+ ?1\]", r"(next|following|later) (step'?s? )?state",
       r"(pair|match)\w*[^.]{0,60}(wrong|next|later|following) (state|step)",
       r"roll\w*[^.]{0,30}(wrong|other|opposite) (way|direction)", r"-1 (instead of|where) 1",
       r"(state|input) (of|from) (the )?(step after|next step|wrong step)"],
      """
      def relu_rnn_backward(dhs, cache):
          Whh, h0, hs = cache
          T, H = hs.shape
          deltas = np.zeros((T, H))
          carry = np.zeros(H)
          for t in reversed(range(T)):
              deltas[t] = (dhs[t] + carry) * (hs[t] > 0)
              carry = Whh.T @ deltas[t]
          prev_states = np.roll(hs, -1, axis=0)
          prev_states[-1] = h0
          dWhh = deltas.T @ prev_states
          return dWhh, carry
      """),
    E("rr10_precedence_boolean_delta", "rnn", "relu_rnn_backward",
      "A precedence slip, delta = (dhs[t] + carry) * hs[t] > 0, makes delta the truth value of "
      "a comparison (0 or 1) instead of the gradient masked by hs[t] > 0, so dWhh and dh0 are "
      "built from 0/1 values.",
      [r"precedence", r"parenthes", r"(boolean|bool|truth value|true/false|0 ?/ ?1|zeros? and ones?|0 or 1)",
       r"comparison (is )?(applied|taken) (to|after)", r"> ?0 (applies|is applied) to the (whole|product)",
       r"(mask|indicator) (used|returned|taken) (as|instead of) (the )?(gradient|delta)",
       r"(gradient|delta)[^.]{0,40}(replaced by|is) (its|the|a) (sign|mask|indicator)"],
      """
      def relu_rnn_backward(dhs, cache):
          Whh, h0, hs = cache
          T, H = hs.shape
          dWhh = np.zeros_like(Whh)
          carry = np.zeros(H)
          for t in reversed(range(T)):
              delta = (dhs[t] + carry) * hs[t] > 0
              h_prev = hs[t - 1] if t > 0 else h0
              dWhh += np.outer(delta, h_prev)
              carry = Whh.T @ delta
          return dWhh, carry
      """),
    E("sr10_divided_by_sqrt_H", "rnn", "spectral_radius",
      "The largest eigenvalue modulus is divided by sqrt(H) (the scale a random Gaussian H x H "
      "matrix's spectral radius has), a normalisation habit: every answer is 1/sqrt(H) of the "
      "right one.",
      [r"sqrt\(H\)", r"square root of H", r"\u221aH", r"1 ?/ ?sqrt", r"divid\w* by (the )?(square root|sqrt)",
       r"normali[sz]", r"(too small|smaller) by (a factor )?(of )?sqrt", r"sqrt\(W\.shape",
       r"(circular law|random (gaussian )?matrix'?s? scale)", r"(factor|times) (1 ?/ ?)?(sqrt|\u221a)"],
      """
      def spectral_radius(W):
          H = W.shape[0]
          return float(np.max(np.abs(np.linalg.eigvals(W))) / np.sqrt(H))
      """),
    E("sr10_eigs_of_W_WT", "rnn", "spectral_radius",
      "It returns the largest eigenvalue of W @ W.T (the largest squared singular value) instead "
      "of the largest modulus of W's own eigenvalues.",
      [r"W ?@ ?W\.?T", r"W ?W\^?T", r"W W(ᵀ|\^T|\.T)", r"singular value", r"(spectral|operator|2-)norm",
       r"squared? (singular|norm)", r"(gram|covariance) matrix", r"(eigenvalues?|spectrum) of (the )?(product|W ?@|W times)",
       r"(not|instead of) (the )?eigenvalues? of W (itself|alone)"],
      """
      def spectral_radius(W):
          return float(np.max(np.abs(np.linalg.eigvals(W @ W.T))))
      """),
    E("rs10_tanh_factored_wrong", "rnn", "rnn_step_backward",
      "Factoring tanh's derivative 1 - h**2 as (1 - h) * (1 - h) instead of (1 - h) * (1 + h): "
      "the local gradient is (1 - next_h)**2, so every output is (1 - h) / (1 + h) times the "
      "right one per unit.",
      [r"\(1 ?- ?(next_)?h\) ?\*\* ?2", r"\(1 ?- ?(next_)?h\) ?\* ?\(1 ?- ?(next_)?h\)", r"factori[sz]\w*",
       r"\(1 ?\+ ?(next_)?h\)[^.]{0,40}(missing|forgotten|instead|where|replaced)",
       r"\(1 ?- ?(next_)?h\) ?/ ?\(1 ?\+ ?(next_)?h\)", r"(1 ?- ?h|1 ?- ?next_h) (instead of|where) (1 ?\+ ?h|1 ?\+ ?next_h)",
       r"(tanh'?s? )?(local gradient|derivative)[^.]{0,40}(square of|squared)", r"parenthes"],
      """
      def rnn_step_backward(dnext_h, cache):
          x, prev_h, Wx, Wh, next_h = cache
          da = dnext_h * (1.0 - next_h) * (1.0 - next_h)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dWx, dWh, db
      """),
    E("rs10_db_product_of_sums", "rnn", "rnn_step_backward",
      "db multiplies the batch sum of dnext_h by the batch sum of the local gradients 1 - h**2 "
      "instead of summing their products row by row; the other outputs are right.",
      [r"product of (the )?(batch )?sums", r"sums? (are )?multiplied", r"(sum|summed) (separately|each on its own|first)",
       r"(instead of|not) (summing|the sum of) (the |their )?products?",
       r"(rows?|examples?) (are )?(paired|mixed) (with|across) (other|every|each other)",
       r"every example'?s? dnext_h[^.]{0,40}every example'?s?",
       r"(sum|total) of dnext_h[^.]{0,40}(times|multiplied)"],
      """
      def rnn_step_backward(dnext_h, cache):
          x, prev_h, Wx, Wh, next_h = cache
          local = 1.0 - next_h ** 2
          da = dnext_h * local
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = dnext_h.sum(axis=0) * local.sum(axis=0)
          return dx, dprev_h, dWx, dWh, db
      """),
    E("rb10_dx_slot_one_based", "rnn", "rnn_backward",
      "The loop is written with t from T down to 1 and step t - 1's cache and dh, but its dx is "
      "stored in dx[:, t % T]: every step's dx lands one slot later in time (step T - 1's in "
      "slot 0); the other outputs are right.",
      SHIFT + [r"dx\[:, ?t ?% ?T\]", r"one (slot|step|position|index) (later|off|too late)",
       r"(slot|position|index)[^.]{0,40}(wrong|off by one|next)", r"(last|final) step'?s? dx[^.]{0,40}(slot|step|position) 0",
       r"(1|one)[- ]based", r"wrap\w* (around|to)"],
      """
      def rnn_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, Wx, Wh, _ = cache[0]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(H)
          dprev = np.zeros((N, H))
          for t in range(T, 0, -1):
              dx_t, dprev, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t - 1, :] + dprev, cache[t - 1])
              dx[:, t % T, :] = dx_t
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev, dWx, dWh, db
      """),
    E("rb10_carry_is_step_input", "rnn", "rnn_backward",
      "The gradient carried to the earlier step is what step t received (dh[:, t] plus the "
      "carry) instead of what it sends back through Wh and tanh (its dprev_h): each step receives "
      "the sum of the loss's dh over itself and every later step, never sent through Wh, and dh0 "
      "is the sum of dh over all steps; only the last time step's dx is right.",
      [r"(input|what it received|upstream it (got|received))[^.]{0,60}(instead of|not|rather than) (its |the )?(output|dprev|what it (sends|returns))",
       r"(without|skip\w*|bypass\w*|not (sent|passed)|never (goes|sent|passed)) (back )?through (Wh|the (recurrent )?weights|tanh)",
       r"(carry|carried gradient)[^.]{0,60}(Wh|tanh|local gradient)[^.]{0,30}(missing|skipped|left out|forgotten)",
       r"dprev_h (is )?(discarded|ignored|never used|unused)", r"dh0 (is|equals|holds) the sum",
       r"(passes|passed|copied|sent) (back )?unchanged", r"skip connection", LAST_STEP_ONLY[0],
       r"(cumulative|running) sum", r"sum of (the )?(loss'?s? )?dh over[^.]{0,30}(later|all|every)"],
      """
      def rnn_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, Wx, Wh, _ = cache[0]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(H)
          dprev = np.zeros((N, H))
          for t in reversed(range(T)):
              dnext = dh[:, t, :] + dprev
              dx_t, dprev_t, dWx_t, dWh_t, db_t = rnn_step_backward(dnext, cache[t])
              dx[:, t, :] = dx_t
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
              dprev = dnext
          return dx, dprev, dWx, dWh, db
      """),
    E("rb10_dh_reshaped_to_time_major", "rnn", "rnn_backward",
      "dh (N, T, H) is made time-major with reshape(T, N, H) instead of a transpose, so step t "
      "reads a block of rows that mixes examples and time steps as its upstream gradient.",
      RESHAPE + TRANSPOSED[:1] + [r"reshape\(T, ?N", r"(examples|batch|sequences) and (time )?steps (are )?(mixed|interleaved|confused)",
       r"time[- ]major", r"(upstream gradient|dh)[^.]{0,40}(wrong|other|another) (example|sequence|step)'?s?"],
      """
      def rnn_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, Wx, Wh, _ = cache[0]
          dh_steps = dh.reshape(T, N, H)
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(H)
          dprev = np.zeros((N, H))
          for t in reversed(range(T)):
              dx_t, dprev, dWx_t, dWh_t, db_t = rnn_step_backward(dh_steps[t] + dprev, cache[t])
              dx[:, t, :] = dx_t
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev, dWx, dWh, db
      """),
    E("cn10_condition_reversed", "rnn", "clip_grad_norm",
      "The test is written the wrong way round (total_norm < max_norm): gradients below the "
      "limit are scaled up to max_norm and those above it are left unchanged.",
      [r"(condition|test|comparison|inequality)[^.]{0,40}(reversed|wrong way|inverted|backwards|flipped|the other way)",
       r"total_norm ?< ?max_norm", r"(small|below|under)[^.]{0,60}(scaled up|blown up|rescaled|grow|enlarg|multiplied)",
       r"(large|above|over|exceed)[^.]{0,60}(left |not |never )(unchanged|clipped|scaled|rescaled)",
       r"clips? (exactly )?the wrong (ones|gradients|cases)", r"(scaled|rescaled) (up )?to max_norm (when|where|although|even)",
       r"(<|less than) (instead of|where) (>|greater than)"],
      """
      def clip_grad_norm(grads, max_norm):
          total_norm = float(np.sqrt(sum(np.sum(g ** 2) for g in grads.values())))
          scale = max_norm / total_norm if total_norm < max_norm else 1.0
          clipped = {name: g * scale for name, g in grads.items()}
          return clipped, total_norm
      """),
    E("cv10_outside_loses_sign", "rnn", "clip_grad_value",
      "Entries outside the range are replaced by +clip_value whatever their sign "
      "(np.where(|g| > c, c, g)), so large negative entries become +clip_value instead of "
      "-clip_value; the entries inside are right.",
      [r"(large |big )?negative (entries|values|gradients)[^.]{0,60}(\+ ?clip_value|positive|\+c|become clip_value|wrong sign)",
       r"(sign|minus)[^.]{0,40}(lost|dropped|missing|forgotten|ignored)", r"(below|under) -clip_value",
       r"-clip_value[^.]{0,30}(instead|where|belongs|should)", r"(always|every)[^.]{0,30}\+ ?clip_value",
       r"lower (bound|side|end)[^.]{0,40}(wrong|missing|positive|sign)"] + NEGATED[1:4],
      """
      def clip_grad_value(grads, clip_value):
          return {name: np.where(np.abs(g) > clip_value, clip_value, g) for name, g in grads.items()}
      """),
    E("cv10_outside_zeroed", "rnn", "clip_grad_value",
      "Entries outside [-clip_value, clip_value] are set to 0 (dropped, as when clipping the "
      "error) instead of to the nearest bound; the entries inside are right.",
      [r"(outside|beyond|above|exceed\w*|large|too big)[^.]{0,60}(set to |become |are |replaced by |get )(zero|0(?![.\d]))",
       r"(zero|0(?![.\d]))[^.]{0,40}(instead of|where|rather than) (the )?(nearest |closest )?(bound|limit|clip_value|±|\+-)",
       r"dropp\w*", r"discard\w*", r"clip\w* the error", r"(zeroed|zeroes|zeros) (out )?(the )?(large|outside|clipped)"],
      """
      def clip_grad_value(grads, clip_value):
          return {name: np.where(np.abs(g) > clip_value, 0.0, g) for name, g in grads.items()}
      """),
    # ======================================================================== softmax (16)
    E("af10_bias_row_wrong_end", "softmax", "affine_backward",
      "With the bias folded into the weights as a column of ones put FIRST in x, the gradient of "
      "the stacked weights is cut as if the ones were last: dW takes rows 0..D-1 (db's row and "
      "the first D - 1 rows of dW) and db takes the last row of dW; dx is right.",
      SHIFT[:2] + [r"(bias|ones) (row|column)[^.]{0,60}(wrong|other|first|last) (end|row|place|position)",
       r"(rows? of dW|dW'?s? rows)[^.]{0,40}(shifted|moved|one (row )?(down|up|off))",
       r"db (is|equals|holds)[^.]{0,30}(last|final) row of dW", r"dW'?s? (first|top) row[^.]{0,40}(db|bias|column sums)",
       r"(augment|stack|fold)\w*", r"(first|last) row[^.]{0,40}(instead of|where|belongs)",
       r"(column sums of dout|bias gradient)[^.]{0,40}(in|as) (the )?(first row|dW)"],
      """
      def affine_backward(dout, cache):
          x, W, b = cache
          N = x.shape[0]
          xa = np.hstack([np.ones((N, 1)), x])
          dWa = xa.T @ dout
          dx = dout @ W.T
          dW = dWa[:-1]
          db = dWa[-1]
          return dx, dW, db
      """),
    E("af10_db_dedented_last_row", "softmax", "affine_backward",
      "In a loop over the examples the line db += dout[n] is dedented out of the loop, so db is "
      "only the last example's row of dout instead of the sum over the batch; dx and dW are right.",
      [r"last (row|example)'?s? (row|values?|gradient|dout|term)", r"(only|just) (one|a single|the last) (row|example)",
       r"(indent|dedent)", r"(outside|after) the loop", r"(not|never) (summed|accumulated) over (the )?(batch|rows|examples)",
       r"(other|remaining|earlier) (rows|examples)[^.]{0,40}(missing|ignored|left out|not (added|summed))",
       r"dout\[-1\]", r"dout\[N ?- ?1\]"],
      """
      def affine_backward(dout, cache):
          x, W, b = cache
          N, M = dout.shape
          dx = np.zeros(x.shape)
          dW = np.zeros(W.shape)
          db = np.zeros(M)
          for n in range(N):
              dx[n] = W @ dout[n]
              dW += np.outer(x[n], dout[n])
          db += dout[n]
          return dx, dW, db
      """),
    E("af10_dx_assigned_per_output", "softmax", "affine_backward",
      "dx is built in a loop over the outputs with dx = np.outer(dout[:, m], W[:, m]) (= for "
      "+=), so only the last output's contribution remains; dW and db are right.",
      [r"last output'?s? (term|contribution|share|column)", r"(only|just) (one|a single|the last) (output|column)",
       r"(assign|replac|overwr)\w*[^.]{0,40}(instead of|rather than|not) (add|accumulat|summ|\+=)",
       r"(other|remaining|earlier) outputs?[^.]{0,40}(missing|ignored|lost|left out|dropped)",
       r"(not|never) (summed|accumulated) over (the )?outputs", r"W\[:, ?-1\]", r"dout\[:, ?-1\]",
       r"= (for|instead of) \+="],
      """
      def affine_backward(dout, cache):
          x, W, b = cache
          M = W.shape[1]
          dx = np.zeros(x.shape)
          for m in range(M):
              dx = np.outer(dout[:, m], W[:, m])
          dW = x.T @ dout
          db = dout.sum(axis=0)
          return dx, dW, db
      """),
    E("sce10_divides_by_row_sums", "softmax", "softmax_cross_entropy_backward",
      "The probabilities are divided by each row's label sum instead of multiplied by it: "
      "dlogits = (probs / row_sums - labels) / N; right only for rows that sum to 1; dlabels is right.",
      [r"divid\w* by (the |each )?(row'?s? )?(label )?(row[- ])?sums?", r"probs ?/ ?row_sums",
       r"(instead of|not|rather than) multipl\w* by (the |each )?(row'?s? )?(label )?(row[- ])?sums?",
       r"(row[- ]sums?|sum of (the |each row'?s? )?labels)[^.]{0,60}(divid|denominator|inverted|upside)",
       r"1 ?/ ?row_sums?", r"(right|correct) only (for|where|when) (rows|labels) (that )?sum to (1|one)",
       r"(rows? whose labels|soft labels)[^.]{0,40}(do not|don'?t) sum to (1|one)"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (probs / row_sums - labels) / N
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("sce10_identity_for_diag_p", "softmax", "softmax_cross_entropy_backward",
      "Chaining by hand through the softmax's Jacobian row by row, the Jacobian is written "
      "I - p p^T (the identity where diag(p) belongs); dlabels is right.",
      [r"identity", r"np\.eye", r"\bI ?- ?p ?p", r"diag\(p\)[^.]{0,40}(instead|where|belongs|replaced|missing)",
       r"(jacobian|derivative of the softmax)[^.]{0,60}(diagonal|diag)[^.]{0,40}(wrong|1|one|ones)",
       r"(diagonal|diag)[^.]{0,40}(ones|1) (instead of|where) p", r"delta_?ij[^.]{0,40}p"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N, C = logits.shape
          dlogits = np.zeros((N, C))
          for n in range(N):
              p = probs[n]
              g = -dloss * labels[n] / (p * N)
              J = np.eye(C) - np.outer(p, p)
              dlogits[n] = J @ g
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("sce10_dlabels_centred", "softmax", "softmax_cross_entropy_backward",
      "dlabels has each row's mean subtracted (projected as if the labels had to keep summing "
      "to 1): every row of dlabels is off by its own mean; dlogits is right.",
      [r"(row'?s? )?(mean|average) (is )?(subtracted|removed|taken off)", r"cent(er|re)d?",
       r"(projected|projection)", r"(each|every) row (is )?off by (a |its )?(own )?(constant|mean|average)",
       r"(minus|less) (its |the )?(row )?(mean|average)", r"(rows? )?sum(s)? to (zero|0(?![.\d]))",
       r"(constant|same amount) (per|in each|for each) row"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (probs * row_sums - labels) / N
          dlabels = -dloss * np.log(probs) / N
          dlabels = dlabels - dlabels.mean(axis=1, keepdims=True)
          return dlogits, dlabels
      """),
    E("sce10_dlabels_labelled_only", "softmax", "softmax_cross_entropy_backward",
      "dlabels is -log p / N only where the label is positive and 0 elsewhere, as if only the "
      "loss's nonzero terms had a gradient; a label that is 0 still has gradient -log p / N.",
      [r"(only )?(where|at) (the )?labels? (is |are )?(positive|non-?zero|> ?0)",
       r"(where|at) (the )?labels? (is |are )?(zero|0(?![.\d]))[^.]{0,60}(zero|0(?![.\d])|missing|dropped|set to)",
       r"zero[- ]labels?", r"(unlabel+ed|zero) (entries|classes)[^.]{0,40}(zero|0(?![.\d])|no gradient|missing)",
       r"(masked|mask) (by|with) (the )?labels", r"(nonzero|non-zero) terms?",
       r"(only|just) (the )?labell?ed (entries|classes)"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (probs * row_sums - labels) / N
          dlabels = np.where(labels > 0, -np.log(probs), 0.0) * dloss / N
          return dlogits, dlabels
      """),
    E("sce10_N_inside_log", "softmax", "softmax_cross_entropy_backward",
      "A parenthesis slip puts the 1/N inside the log, -dloss * log(probs / N): dlabels is N "
      "times the right one plus dloss * log(N) in every entry; dlogits is right.",
      [r"parenthes", r"precedence", r"log\(probs ?/ ?N\)", r"log ?\(?p ?/ ?N", r"(1 ?/ ?N|division by N|divid\w* by N)[^.]{0,40}inside (the )?log",
       r"log\(N\)", r"log N", r"N times (the right|too)", r"(not|never) divided by N",
       r"(plus|offset|shifted) (by )?(a constant|dloss ?\* ?log)"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (probs * row_sums - labels) / N
          dlabels = -dloss * np.log(probs / N)
          return dlogits, dlabels
      """),
    E("sce10_shift_by_column_max", "softmax", "softmax_cross_entropy_backward",
      "dlogits recomputes the probabilities with the overflow shift taken per class (the "
      "column max over the batch) instead of per row, which changes the softmax; dlabels is right.",
      [r"(column|per[- ]class|class'?s?|axis[= ]?0)[^.]{0,40}max", r"max[^.]{0,40}(over|across) (the )?(batch|examples|axis 0|columns)",
       r"shift\w*[^.]{0,60}(per (class|column)|each (class|column)|over the batch|axis[= ]?0)",
       r"(shift|max)[^.]{0,40}(instead of|not) (per|each|over each) row",
       r"(probabilities|softmax)[^.]{0,60}(recomputed|wrong|changed)[^.]{0,60}(shift|max)"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          shifted = logits - logits.max(axis=0, keepdims=True)
          e = np.exp(shifted)
          p = e / e.sum(axis=1, keepdims=True)
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (p * row_sums - labels) / N
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("sce10_kl_gradient_for_labels", "softmax", "softmax_cross_entropy_backward",
      "dlabels is taken from the KL divergence instead of the cross-entropy: it adds the labels' "
      "own entropy term, (log(labels) + 1) / N, to -log p / N; dlogits is right.",
      [r"\bKL\b", r"kullback", r"divergence", r"entropy (term|of the labels)", r"labels'? (own )?entropy",
       r"log\(labels", r"log of the labels", r"(plus|adds?|extra|additional) (term )?\(?log\(?labels",
       r"\+ ?1\)? ?/ ?N", r"(extra|additional) (term|constant)[^.]{0,40}(labels|log)"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (probs * row_sums - labels) / N
          dlabels = dloss * (np.log(labels + 1e-12) + 1.0 - np.log(probs)) / N
          return dlogits, dlabels
      """),
    E("mlp10_dW1_unmasked", "softmax", "mlp_backward",
      "Written out by hand, dW1 is built from the hidden gradient before the ReLU mask "
      "(X.T @ dh); db1 and dX use the masked one and are right, as are W2 and b2.",
      [r"(before|without|skip\w*|ignor\w*|forg\w*|miss\w*)[^.]{0,30}(the )?(relu'?s? )?mask[^.]{0,60}(dW1|W1|first layer'?s? weights)",
       r"(dW1|W1|first layer'?s? weights)[^.]{0,60}(unmasked|before the (relu|mask)|without the (relu|mask)|not masked|mask (is )?(missing|skipped|forgotten))",
       r"(inactive|dead|off|switched[- ]off) units[^.]{0,60}(dW1|W1|weights)", r"X\.T ?@ ?dh\b",
       r"(relu|mask)[^.]{0,40}(skipped|missing|not applied|left out)[^.]{0,40}(dW1|W1)"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          X, W1, b1 = aff1_cache
          h, W2, b2 = aff2_cache
          dlogits, _ = softmax_cross_entropy_backward(dloss, loss_cache)
          dW2 = h.T @ dlogits
          db2 = dlogits.sum(axis=0)
          dh = dlogits @ W2.T
          da = dh * (relu_cache > 0)
          dW1 = X.T @ dh
          db1 = da.sum(axis=0)
          dX = da @ W1.T
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("mlp10_db2_last_example", "softmax", "mlp_backward",
      "In a loop over the examples db2 is assigned (db2 = dlogits[n]) instead of added, so db2 "
      "is only the last example's gradient on the logits; the other outputs are right.",
      [r"last (row|example)'?s? (row|values?|gradient|dlogits|term)", r"(only|just) (one|a single|the last) (row|example)",
       r"(assign|replac|overwr)\w*[^.]{0,40}(instead of|rather than|not) (add|accumulat|summ|\+=)",
       r"(not|never) (summed|accumulated) over (the )?(batch|rows|examples)",
       r"(other|remaining|earlier) (rows|examples)[^.]{0,40}(missing|ignored|left out|lost|dropped)",
       r"= (for|instead of) \+="],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          X, W1, b1 = aff1_cache
          h, W2, b2 = aff2_cache
          dlogits, _ = softmax_cross_entropy_backward(dloss, loss_cache)
          N = X.shape[0]
          dW1, db1 = np.zeros(W1.shape), np.zeros(b1.shape)
          dW2, db2 = np.zeros(W2.shape), np.zeros(b2.shape)
          dX = np.zeros(X.shape)
          for n in range(N):
              dW2 += np.outer(h[n], dlogits[n])
              db2 = dlogits[n]
              da_n = (W2 @ dlogits[n]) * (relu_cache[n] > 0)
              dW1 += np.outer(X[n], da_n)
              db1 += da_n
              dX[n] = W1 @ da_n
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("mlp10_hidden_path_without_N", "softmax", "mlp_backward",
      "Written out by hand, the 1/N of the mean is applied to dW2 and db2 only: the hidden "
      "gradient is sent back from the logits' gradient before the division, so dX, dW1 and db1 "
      "are N times the right ones; W2 and b2 are right.",
      [r"N times (the right|too)", r"(not|never) divided by N", r"(without|forg\w*|miss\w*|drop\w*|lack\w*) (the |a )?(factor )?1 ?/ ?N",
       r"factor (of )?N (too (large|big|many)|too)", r"(missing|without|no) (the )?(mean|average|division by N)",
       r"(mean|1 ?/ ?N|division by N)[^.]{0,60}(only|just) (in|for|to) (the )?(second layer|W2|dW2)",
       r"(hidden|first layer|dX|dW1|db1)[^.]{0,60}(not divided|without the 1 ?/ ?N|N times)"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          X, W1, b1 = aff1_cache
          h, W2, b2 = aff2_cache
          logits, labels, probs = loss_cache
          N = X.shape[0]
          row_sums = labels.sum(axis=1, keepdims=True)
          g = dloss * (probs * row_sums - labels)
          dW2 = h.T @ g / N
          db2 = g.sum(axis=0) / N
          dh = g @ W2.T
          da = dh * (relu_cache > 0)
          dW1 = X.T @ da
          db1 = da.sum(axis=0)
          dX = da @ W1.T
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("mlp10_db2_column_sums_of_dW2", "softmax", "mlp_backward",
      "db2 is taken as the column sums of dW2 (sum over the hidden units of h.T @ dlogits) instead "
      "of the sum of dlogits over the batch: each example's row is weighted by the sum of its "
      "hidden activations; the other outputs are right.",
      [r"(column )?sums? of dW2", r"dW2\.sum", r"(weighted|multiplied|scaled) by (the )?(sum of )?(its |the )?hidden (activations|units|outputs)",
       r"(from|uses?|used) dW2", r"h\.T ?@ ?dlogits", r"(instead of|not) (the )?(sum|summing) (of )?dlogits over (the )?(batch|rows|examples)",
       r"(hidden activations?|h\b)[^.]{0,40}(where|instead of) (ones|1)"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          dlogits, _ = softmax_cross_entropy_backward(dloss, loss_cache)
          dh, dW2, _ = affine_backward(dlogits, aff2_cache)
          db2 = dW2.sum(axis=0)
          da = dh * (relu_cache > 0)
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("mlp10_relu_loop_skips_last_unit", "softmax", "mlp_backward",
      "The ReLU's backward is written as a loop over the hidden units with range(H - 1), so the "
      "last hidden unit passes no gradient: its column of dW1 and its entry of db1 stay 0 and its "
      "share of dX is missing; W2 and b2 are right.",
      [r"last (hidden )?unit[^.]{0,40}(never|not|skipped|missing|no gradient|zero|blocked|passes nothing)", r"range\(H ?- ?1\)", r"(loop|range)[^.]{0,40}(bound|stops?|one (short|too few|early))",
       r"off[- ]by[- ]one", r"last column of dW1[^.]{0,30}(zero|0(?![.\d])|missing)", r"last (entry|element) of db1[^.]{0,30}(zero|0(?![.\d])|missing)",
       r"(every|all) (hidden )?units? (but|except) the last",
       r"(last|final) (hidden )?(unit|column)[^.]{0,60}(zero|0(?![.\d])|missing|never|no gradient|blocked)"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          dlogits, _ = softmax_cross_entropy_backward(dloss, loss_cache)
          dh, dW2, db2 = affine_backward(dlogits, aff2_cache)
          H = dh.shape[1]
          da = np.zeros_like(dh)
          for j in range(H - 1):
              da[:, j] = dh[:, j] * (relu_cache[:, j] > 0)
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("mlp10_dW1_dloss_twice", "softmax", "mlp_backward",
      "dW1 is multiplied by dloss again after affine_backward (dloss already entered through the "
      "loss's backward): dW1 is dloss times the right one; the other outputs are right.",
      [r"dloss[^.]{0,40}(twice|two times|again|a second time)", r"(twice|two times|again|a second time)[^.]{0,40}dloss", r"dloss times (the right|too)", r"(extra|additional|spurious|second) (factor )?(of )?dloss",
       r"(factor|multipl\w*) dloss (too many|twice|again|two times)", r"dloss ?\*\* ?2", r"square of dloss",
       r"(dW1|W1)[^.]{0,60}(scaled|multiplied) by dloss"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          dlogits, _ = softmax_cross_entropy_backward(dloss, loss_cache)
          dh, dW2, db2 = affine_backward(dlogits, aff2_cache)
          da = dh * (relu_cache > 0)
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          dW1 = dloss * dW1
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    # ======================================================================== lstm (17)
    E("ls10_gate_loop_o_as_tanh", "lstm", "lstm_step_backward",
      "The gates' local gradients are taken in a loop whose test for a sigmoid gate is k < 2 "
      "instead of k < 3, so the output gate is differentiated as a tanh, 1 - o**2, instead of "
      "o(1 - o): the output gate's block of da (and what it feeds) is wrong.",
      [GATE_O + r"[^.]{0,60}(tanh|1 ?- ?o ?\*\* ?2)", r"1 ?- ?o ?\*\* ?2", r"(tanh'?s? )?(derivative|local gradient) (of|for) (the )?(output gate|o\b)",
       r"(output gate|o)[^.]{0,40}(as|like) (a )?tanh", r"k ?< ?2", r"(loop|range|bound)[^.]{0,40}(sigmoid|gates?)",
       r"o ?\(1 ?- ?o\)[^.]{0,40}(missing|instead|where|replaced)", r"(output gate'?s?|o) block[^.]{0,40}(wrong|off)"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = dnext_c + dnext_h * o * (1.0 - tanh_c ** 2)
          df = dc * prev_c
          dprev_c = dc * f
          di = dc * g
          dg = dc * i
          gates = [i, f, o, g]
          dgates = [di, df, do, dg]
          blocks = []
          for k in range(4):
              if k < 2:
                  local = gates[k] * (1.0 - gates[k])
              else:
                  local = 1.0 - gates[k] ** 2
              blocks.append(dgates[k] * local)
          da = np.concatenate(blocks, axis=1)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("ls10_dWh_before_g_block", "lstm", "lstm_step_backward",
      "Filling a preallocated da block by block, dWh is computed before the candidate's block is "
      "written, so dWh's g block is 0; the other outputs are right.",
      [r"(dWh|Wh)[^.]{0,60}" + GATE_G + r"[^.]{0,40}(zero|0(?![.\d])|missing|empty|never)",
       GATE_G + r"[^.]{0,30}(block|columns?|part)[^.]{0,30}(of )?(dWh|Wh)[^.]{0,40}(zero|0(?![.\d])|missing|empty)",
       r"(before|too early)[^.]{0,60}(candidate|g block|last block|da is (complete|filled|finished))",
       r"(dWh|Wh) (is )?(computed|taken) (from|with) (an )?(incomplete|unfinished|partly filled|partial) da",
       r"(last|fourth) (block|quarter)[^.]{0,40}(dWh|Wh)[^.]{0,40}(zero|0(?![.\d])|missing)",
       r"dWh (is )?right except[^.]{0,40}" + GATE_G],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          N, H = prev_h.shape
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = dnext_c + dnext_h * o * (1.0 - tanh_c ** 2)
          df = dc * prev_c
          dprev_c = dc * f
          di = dc * g
          dg = dc * i
          da = np.zeros((N, 4 * H))
          da[:, :H] = di * i * (1.0 - i)
          da[:, H:2 * H] = df * f * (1.0 - f)
          da[:, 2 * H:3 * H] = do * o * (1.0 - o)
          dWh = prev_h.T @ da
          da[:, 3 * H:] = dg * (1.0 - g ** 2)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("ls10_dWx_blocks_o_g_swapped", "lstm", "lstm_step_backward",
      "dWx is assembled gate by gate in the order i, f, g, o, so its output gate's and "
      "candidate's blocks are exchanged; da, dx, dprev_h, dWh and db are right.",
      [r"(dWx|Wx)[^.]{0,80}(swapped|exchanged|interchanged|in (each other'?s?|the wrong) (place|order)|wrong order)",
       r"(blocks|columns)[^.]{0,40}(swapped|exchanged|in (the )?wrong order)[^.]{0,60}dWx",
       GATE_O + r"[^.]{0,20}(and|with|<->|↔)[^.]{0,10}" + GATE_G + r"[^.]{0,40}(swapped|exchanged|interchanged)",
       GATE_G + r"[^.]{0,20}(and|with|<->|↔)[^.]{0,10}" + GATE_O + r"[^.]{0,40}(swapped|exchanged|interchanged)",
       r"i, ?f, ?g, ?o", r"(order|gate order)[^.]{0,40}(dWx)", r"dWx'?s? (o|g|output|candidate)[^.]{0,40}(holds|is|equals) (the )?(other|g|o|candidate|output)"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = dnext_c + dnext_h * o * (1.0 - tanh_c ** 2)
          df = dc * prev_c
          dprev_c = dc * f
          di = dc * g
          dg = dc * i
          da_i = di * i * (1.0 - i)
          da_f = df * f * (1.0 - f)
          da_o = do * o * (1.0 - o)
          da_g = dg * (1.0 - g ** 2)
          da = np.concatenate([da_i, da_f, da_o, da_g], axis=1)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = np.hstack([x.T @ da_i, x.T @ da_f, x.T @ da_g, x.T @ da_o])
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("ls10_cell_path_o_local", "lstm", "lstm_step_backward",
      "The path from next_h into the cell state uses the output gate's local gradient o(1 - o) "
      "where the gate o itself belongs: dc = dnext_c + dnext_h * o(1 - o) * (1 - tanh(next_c)**2).",
      [r"o ?\* ?\(1 ?- ?o\)", r"o ?\(1 ?- ?o\)", r"(1 ?- ?o)[^.]{0,30}(extra|too many|spurious)",
       r"(extra|additional) factor \(?1 ?- ?o", r"(output gate'?s? )?(local gradient|derivative)[^.]{0,60}(instead of|where|in place of) (the gate |o\b|the output gate)",
       r"(cell|c) path[^.]{0,60}(1 ?- ?o|local gradient|derivative of (the )?(output gate|o))",
       r"(path|term) from next_h (in)?to (the )?cell[^.]{0,60}(1 ?- ?o|o\(1)"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = dnext_c + dnext_h * o * (1.0 - o) * (1.0 - tanh_c ** 2)
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
    E("ls10_forget_local_precedence", "lstm", "lstm_step_backward",
      "A precedence slip, df * f * 1.0 - f, is df * f - f instead of df * f * (1 - f): the forget "
      "gate's block of da is wrong (and so its columns of dWx, dWh, db and its share of dx and "
      "dprev_h).",
      [r"precedence", r"parenthes", r"df ?\* ?f ?\* ?1(\.0)? ?- ?f", r"df ?\* ?f ?- ?f",
       GATE_F + r"[^.]{0,30}(block|columns?|part|local gradient|derivative)[^.]{0,40}(wrong|off|minus f)",
       r"(minus|subtract\w*) f\b", r"f ?\(1 ?- ?f\)[^.]{0,40}(missing|instead|where|written)"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = dnext_c + dnext_h * o * (1.0 - tanh_c ** 2)
          df = dc * prev_c
          dprev_c = dc * f
          di = dc * g
          dg = dc * i
          da = np.concatenate([di * i * (1.0 - i), df * f * 1.0 - f,
                               do * o * (1.0 - o), dg * (1.0 - g ** 2)], axis=1)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("ls10_di_times_prev_c", "lstm", "lstm_step_backward",
      "Copying the forget gate's line, the input gate's gradient is dc * prev_c instead of "
      "dc * g (its partner in i * g): the input gate's block of da is prev_c / g times the right "
      "one, and so its columns of dWx, dWh, db and its share of dx and dprev_h.",
      [r"prev_c (instead of|where|in place of) g\b", r"dc ?\* ?prev_c", r"(input gate|\bdi\b)[^.]{0,60}prev_c",
       r"(copy|copied|copy-paste)[^.]{0,60}(forget|df)", r"prev_c ?/ ?g",
       GATE_I + r"[^.]{0,40}(block|columns?|part)[^.]{0,40}(wrong|off)[^.]{0,60}(prev_c|previous cell)",
       r"(other|partner) factor[^.]{0,40}(g|candidate)"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = dnext_c + dnext_h * o * (1.0 - tanh_c ** 2)
          df = dc * prev_c
          dprev_c = dc * f
          di = dc * prev_c
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
    E("ls10_dx_dprev_h_before_local", "lstm", "lstm_step_backward",
      "dx and dprev_h are sent back from the gate gradients before their local gradients "
      "(di, df, do, dg concatenated raw) instead of from da; dWx, dWh, db and dprev_c are right.",
      [r"(dx|dprev_h)[^.]{0,80}(without|skip\w*|before|miss\w*|forg\w*)[^.]{0,30}(the )?(gates'? )?(local gradients?|sigmoid|tanh|derivatives?|nonlinearit)",
       r"(local gradients?|derivatives?|nonlinearit\w*)[^.]{0,60}(skipped|missing|left out|forgotten|not applied)[^.]{0,40}(dx|dprev_h)",
       r"(raw|unsquashed|before the nonlinearit)[^.]{0,40}(gate gradients?|di|df|do|dg)",
       r"(gate gradients?|di, ?df, ?do, ?dg)[^.]{0,40}(instead of|where|in place of) da",
       r"(only )?the weights'? gradients (are )?right", r"i ?\(1 ?- ?i\)[^.]{0,60}(dx|dprev_h)"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = dnext_c + dnext_h * o * (1.0 - tanh_c ** 2)
          df = dc * prev_c
          dprev_c = dc * f
          di = dc * g
          dg = dc * i
          dgates = np.concatenate([di, df, do, dg], axis=1)
          da = np.concatenate([di * i * (1.0 - i), df * f * (1.0 - f),
                               do * o * (1.0 - o), dg * (1.0 - g ** 2)], axis=1)
          dx = dgates @ Wx.T
          dprev_h = dgates @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("ls10_tanh_of_square", "lstm", "lstm_step_backward",
      "A misplaced parenthesis in tanh's derivative on the cell path: 1 - tanh(next_c**2) "
      "instead of 1 - tanh(next_c)**2, so the path from next_h into the cell state is wrong "
      "in every block of da but the output gate's and in dprev_c.",
      [r"parenthes", r"precedence", r"tanh\(next_c ?\*\* ?2\)", r"tanh\(c ?\*\* ?2\)", r"tanh of (the )?(square|c squared|next_c squared)",
       r"squar\w*[^.]{0,30}(inside|before) (the )?tanh", r"(tanh'?s? )?(derivative|local gradient)[^.]{0,60}(cell|next_c)[^.]{0,40}(wrong|off)",
       r"(path|term) from next_h (in)?to (the )?cell[^.]{0,60}(wrong|off|tanh)"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = dnext_c + dnext_h * o * (1.0 - np.tanh(next_c ** 2))
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
    E("ls10_df_from_dnext_c_only", "lstm", "lstm_step_backward",
      "The forget gate's gradient is dnext_c * prev_c, from the carried cell gradient alone, "
      "leaving out the path from next_h into the cell state; the other blocks and dprev_c use the "
      "full dc and are right.",
      [GATE_F + r"[^.]{0,80}(dnext_c (alone|only)|without the path from next_h|path from next_h[^.]{0,30}(missing|left out|dropped|forgotten))",
       r"dnext_c ?\* ?prev_c", r"df[^.]{0,40}dnext_c (instead of|where|in place of) dc",
       r"(path|term) from next_h[^.]{0,60}(missing|left out|dropped|forgotten)[^.]{0,60}" + GATE_F,
       GATE_F + r"[^.]{0,30}block[^.]{0,40}(wrong|off|missing)", r"(carried|incoming) cell gradient (alone|only)"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = dnext_c + dnext_h * o * (1.0 - tanh_c ** 2)
          df = dnext_c * prev_c
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
    E("lb10_cell_carry_starts_at_ones", "lstm", "lstm_backward",
      "The cell-state carry is initialised with np.ones instead of np.zeros, as if a gradient of "
      "1 arrived on the last cell state: every step's gradients carry that extra term.",
      [r"(np\.)?ones (instead of|where|in place of)", r"(start|initiali[sz])\w*[^.]{0,30}(with|at|to|from) (np\.)?ones", r"(initiali[sz]|start)\w*[^.]{0,40}(1|one)\b", r"(extra|spurious|additional) (gradient|term)[^.]{0,40}(last|final) cell",
       r"(last|final) cell state[^.]{0,60}(gradient of )?(1|one)\b", r"(instead of|not) (zeros|0(?![.\d]))",
       r"dnext_c[^.]{0,40}(last|final) step[^.]{0,40}(not zero|non-?zero|1|ones)",
       r"cell[- ]state (carry|gradient)[^.]{0,40}(starts?|initiali[sz]\w*)"],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])
          dprev_h, dprev_c = np.zeros((N, H)), np.ones((N, H))
          for t in reversed(range(T)):
              dx[:, t], dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(
                  dh[:, t] + dprev_h, dprev_c, cache[t])
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev_h, dWx, dWh, db
      """),
    E("lb10_weight_sums_skip_list_head", "lstm", "lstm_backward",
      "The steps' results are collected in a list in backward order and the weight gradients are "
      "summed over results[1:], which skips the list's first entry, the LAST time step: its terms "
      "are missing from dWx, dWh and db; dx and dh0 are right.",
      [r"(last|final) (time )?step'?s? (terms?|contributions?|gradients?|share)[^.]{0,40}(missing|left out|dropped|skipped|absent|not (added|included))",
       r"(missing|without|skip\w*|leav\w* out|minus)[^.]{0,40}(the )?(last|final) (time )?step",
       r"(sum|summed) over (the )?(steps|results)[^.]{0,40}(skip|miss|but|except)",
       r"results\[1:\]", r"(every|all) (time )?steps? (but|except) the last[^.]{0,40}(summed|added|included)",
       r"off[- ]by[- ]one"],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0 = cache[0][0]
          dx = np.zeros((N, T, x0.shape[1]))
          dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
          results = []
          for t in reversed(range(T)):
              step = lstm_step_backward(dh[:, t] + dprev_h, dprev_c, cache[t])
              dx[:, t] = step[0]
              dprev_h, dprev_c = step[1], step[2]
              results.append(step)
          dWx = sum(r[3] for r in results[1:])
          dWh = sum(r[4] for r in results[1:])
          db = sum(r[5] for r in results[1:])
          return dx, dprev_h, dWx, dWh, db
      """),
    E("lb10_dh_also_skips_back", "lstm", "lstm_backward",
      "After each step the loss's dh[:, t] is also added to the hidden carry passed to step t - 1, "
      "as if h[:, t] fed the previous step directly: every step but the last receives the later "
      "step's dh on top of the right gradient.",
      [r"(later|next|following) step'?s? (upstream )?(dh|gradient)[^.]{0,60}(also|too|added|on top|again)",
       r"dh\[:, ?t\][^.]{0,60}(carry|passed|sent|previous step|step t ?- ?1)",
       r"(skip connection|directly to the previous|passed (back )?unchanged|without going through)",
       r"(carry|carried gradient)[^.]{0,60}(plus|\+|includes) (the )?(loss'?s? )?dh", LAST_STEP_ONLY[1]],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])
          dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
          for t in reversed(range(T)):
              dx[:, t], dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(
                  dh[:, t] + dprev_h, dprev_c, cache[t])
              dprev_h = dprev_h + dh[:, t]
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev_h, dWx, dWh, db
      """),
    E("lb10_dh0_saved_at_last_step", "lstm", "lstm_backward",
      "dh0 is saved inside the loop under the wrong test (t == T - 1 instead of t == 0), so it is "
      "the gradient the last step sends to h[:, T-2], not the gradient reaching h0; the other "
      "outputs are right.",
      [r"dh0[^.]{0,80}(last|final) step", r"(last|final) step'?s? (dprev_h|gradient|output)[^.]{0,40}(instead|where|as dh0|returned)",
       r"t ?== ?T ?- ?1", r"h\[:, ?T ?- ?2\]", r"(wrong|other|neighbou?ring|another) step'?s? (dprev_h|gradient)",
       r"dh0 (is|equals|holds) (the gradient|what)[^.]{0,40}(step|h\[)", r"(saved|taken|stored) (at|in) the wrong (step|iteration)",
       r"(first|earliest) iteration"],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])
          dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
          dh0 = np.zeros((N, H))
          for t in reversed(range(T)):
              dx[:, t], dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(
                  dh[:, t] + dprev_h, dprev_c, cache[t])
              if t == T - 1:
                  dh0 = dprev_h.copy()
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dh0, dWx, dWh, db
      """),
    E("lb10_dWx_assigned", "lstm", "lstm_backward",
      "dWx is assigned at each step (dWx = dWx_t) instead of added, so it holds only step 0's "
      "term; dWh, db, dx and dh0 are right.",
      [r"(only|just) (the )?(first|step 0|step zero|step t ?= ?0)'?s?", r"step 0'?s? (term|contribution|gradient)",
       r"(assign|replac|overwr)\w*[^.]{0,40}(instead of|rather than|not) (add|accumulat|summ|\+=)",
       r"(not|never) (summed|accumulated|added) over (the )?(time )?steps", r"(other|later|remaining) steps?[^.]{0,40}(missing|lost|dropped|left out)",
       r"= (for|instead of) \+="],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])
          dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
          for t in reversed(range(T)):
              dx[:, t], dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(
                  dh[:, t] + dprev_h, dprev_c, cache[t])
              dWx = dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev_h, dWx, dWh, db
      """),
    E("lb10_while_steps_by_two", "lstm", "lstm_backward",
      "A while loop decrements t twice per pass (t -= 1 at the top and at the bottom), so only "
      "every second step is backpropagated (T - 1, T - 3, ...) and each carry skips a step; the "
      "skipped steps' dx stay 0 and their terms are missing.",
      [r"every (second|other) step", r"(every|each) (second|other)", r"(step|steps) (by|of) (2|two)",
       r"(decrement|t ?-= ?1)\w*[^.]{0,30}(twice|two times|double)", r"(skips?|skipped) (every )?(a |one |alternate )?steps?",
       r"(half|alternate) (of )?the (time )?steps", r"t ?- ?2", r"(odd|even) steps"],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])
          dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
          t = T
          while t > 0:
              t -= 1
              dx[:, t], dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(
                  dh[:, t] + dprev_h, dprev_c, cache[t])
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
              t -= 1
          return dx, dprev_h, dWx, dWh, db
      """),
    E("hb10_sign_applied_to_both_regions", "lstm", "huber_backward",
      "The sign of r is multiplied into both regions (np.where(|r| <= delta, r, delta) * sign(r)), "
      "so inside the quadratic region negative errors get |r| instead of r; the outside is right.",
      [r"\|r\| (instead of|where|in place of) r\b", r"abs(olute value)? of r\b", r"(sign|negat)\w*[^.]{0,60}(inside|quadratic|\|r\| ?<=? ?delta)",
       r"(inside|quadratic)[^.]{0,60}(sign|negative errors?|r ?< ?0)[^.]{0,40}(lost|wrong|positive|flipped|opposite)",
       r"sign\(r\)[^.]{0,30}(twice|both|every|also|inside)", r"(negative errors?|r ?< ?0)[^.]{0,40}(positive|wrong sign|opposite sign)"] + NEGATED[1:4],
      """
      def huber_backward(dloss, r, delta=1.0):
          inner = np.where(np.abs(r) <= delta, r, delta)
          return dloss * inner * np.sign(r) / r.size
      """),
    E("hb10_flat_loop_skips_last", "lstm", "huber_backward",
      "An entry-by-entry loop over the flattened errors runs range(r.size - 1), so the last entry's "
      "gradient stays 0; the others are right.",
      [r"last (entry|element|value|error)[^.]{0,40}(never|not|skipped|missing|zero|0(?![.\d]))", r"range\(r\.size ?- ?1\)", r"(loop|range)[^.]{0,40}(bound|stops?|one (short|too few|early))",
       r"off[- ]by[- ]one", r"(every|all) (entries|elements) (but|except) the last",
       r"(last|final) (entry|element)[^.]{0,40}(zero|0(?![.\d])|missing|never|not (filled|computed|set))"],
      """
      def huber_backward(dloss, r, delta=1.0):
          flat = r.ravel()
          dr = np.zeros(flat.shape)
          for k in range(flat.size - 1):
              if abs(flat[k]) <= delta:
                  dr[k] = flat[k]
              else:
                  dr[k] = delta * np.sign(flat[k])
          return dloss * dr.reshape(r.shape) / r.size
      """),
]
