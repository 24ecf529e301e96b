"""A ninth held-out catalogue of wrong implementations (issue #27), written blind.

Written on 2026-12-07 (12:52-14:05 UTC) by helper blind9, which did not read the checks,
the explainer, the detectors, their tests, the docs about feedback wording, the grader's
messages, any grader output, git log messages or diffs, docs/MEASUREMENTS.md or the reader
reports. It read only bench/catalogue_heldout*.py (for the format and to avoid their slips:
every entry here is a slip none of catalogues 1 to 8 has), the docstring of
bench/feedback_catalogue.py, the graded functions' signatures, docstrings and worked
solution cells, and /work/shared/CURRICULUM.md. It was committed before any entry was run
through the grader (no feedback_catalogue run, no test cell, no pytest, no grading CLI).
Each entry was checked only against the worked solutions, with a throwaway script outside
the repository: it runs, returns float64 outputs of the right shapes, and differs from the
worked solution by more than 3% somewhere (relative to the largest entry of that output), on
nine seeds. Four drafts that came out equal to the solution, or within 3%, on some seed were
replaced before the commit (a clip of z that rarely bites, the real part of complex
eigenvalues, standardised inputs, the leaky ReLU's np.maximum shortcut in prelu_backward),
and two index-typo loops were replaced by other kinds of slip to keep the kinds varied.

    python bench/feedback_catalogue.py bench/catalogue_heldout9.py

Each entry is a whole wrong solution cell for one graded function, written the way a student
slips. This round leans towards slips inside the bodies of the longer backward passes: in the
softmax network the gradient on the logits written by hand from the raw logits or from
probabilities recomputed without the ReLU, min for max in the hidden activations, the ReLU
mask read from the previous example in a loop; in the softmax's own backward a softmax of
the negated logits, a dot product where the Jacobian's outer product belongs, the one-hot
recipe's extra term on top of the soft-label one; in the LSTM step the forget gate applied
to one of the two terms of dprev_c only, do reused in the cell path, dprev_c built from df,
a peephole habit in dWh; in the LSTM sequence the path from dh into the cell added by hand
and again by the step, the cell carry accumulated, the hidden carry doubled or leaked into
the cell carry, every dh summed into the last step; in the RNN's time loop dh0 taken one
line too early, the ReLU mask applied to the carry only, the tanh's derivative applied to
the direct dh before the step applies it again, dh0 sent back through Wh once more.
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
TWICE = [r"twice", r"two times", r"a second time", r"\bagain\b", r"counted (twice|two)",
         r"doubl\w* (count|applied)", r"applied (two|2) times"]
SHIFT = [r"shift", r"off[- ]by[- ]one", r"(belongs?|meant) (to|for) (the )?(next|previous|neighbou?ring|adjacent) (step|row|unit|example|class|column)",
         r"one (step|row|unit|class|column|example) (early|late|earlier|later|off|too)", r"\broll", r"(delayed|lag)"]
DOUBLE = [r"\b2 times", r"two times", r"twice", r"doubl", r"2x\b", r"factor (of )?(2|two)\b"]
ZEROS = [r"all zeros?", r"(is|are|stays?|left|returns?) (all )?zeros?", r"zero everywhere", r"never (filled|written|set)"]
CONSTANT = [r"constant", r"same (value|number) (everywhere|in every|for every|in each)", r"does not depend",
            r"independent of"]
UNUSED_DOUT = [r"dout (is )?(never|not) (used|multipl)", r"(forg\w*|miss\w*|without|ignor\w*|drop\w*|left out)[^.]{0,30}(upstream|dout)",
               r"upstream (gradient )?(is )?(ignored|missing|forgotten|never)", r"as if dout (were|was|is) (1|one|ones)",
               r"(right|correct) only (for|when) dout ?= ?1", r"does not depend on dout", r"independent of (dout|the upstream)"]


CATALOGUE = [
    # ======================================================================== staged (8)
    E("st9_dden_divides_by_dinvden", "staged", "staged_backward",
      "A parenthesis slip, dden = -1.0 / (den**2 * dinvden), divides by the upstream gradient "
      "dinvden instead of multiplying by it, so every path through the denominator is wrong; "
      "the numerator's paths are right.",
      [r"divid\w* by (the )?(upstream|incoming|gradient arriving|dinvden|num ?\* ?df)",
       r"(upstream|incoming|dinvden)[^.]{0,40}(divid|instead of multipl|in the denominator)",
       r"parenthes", r"precedence", r"1 ?/ ?dinvden", r"\(den ?\*\* ?2 ?\* ?dinvden\)",
       r"dinvden ?\*\* ?2", r"(square|squared) of (the )?(upstream|dinvden)", r"(path|term|part)s? through (the )?denominator[^.]{0,60}(divid|upstream|dinvden)"],
      """
      def staged_backward(df, cache):
          x, y, sigy, num, sigx, xpy, xpysqr, den, invden = cache
          dnum = invden * df
          dinvden = num * df
          dden = -1.0 / (den ** 2 * dinvden)
          dsigx = 1.0 * dden
          dxpysqr = 1.0 * dden
          dxpy = (2.0 * xpy) * dxpysqr
          dx = 1.0 * dxpy
          dy = 1.0 * dxpy
          dx += sigx * (1.0 - sigx) * dsigx
          dx += 1.0 * dnum
          dsigy = 1.0 * dnum
          dy += sigy * (1.0 - sigy) * dsigy
          return dx, dy
      """),
    E("st9_num_sum_as_product", "staged", "staged_backward",
      "The numerator num = x + sigmoid(y) is differentiated like a product: x's share is "
      "sigy * dnum and sigmoid(y)'s is x * dnum, instead of dnum for both.",
      [r"x ?\+ ?sig(y|moid\(y\))[^.]{0,60}(product|multipl|times)",
       r"(add|sum|plus)\w*[^.]{0,40}(as|like) (a|the) (product|multipl)", r"multiply gate",
       r"product rule", r"(numerator|num\b)[^.]{0,50}(product|multipl\w* gate|switch)",
       r"x ?\* ?sig(y|moid\(y\))", r"(other|each other'?s?) (input|factor)s?[^.]{0,40}(numerator|x ?\+ ?sig)",
       r"add gate[^.]{0,60}(other input|switch|product|multipl)", r"(numerator|num)'?s? (path|term|share)[^.]{0,60}(times|multiplied by) sig"],
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
          dx += sigy * dnum
          dsigy = x * dnum
          dy += sigy * (1.0 - sigy) * dsigy
          return dx, dy
      """),
    E("st9_square_at_x", "staged", "staged_backward",
      "The square's local gradient is taken as 2 * x instead of 2 * (x + y): y is left out of "
      "the derivative of (x + y)**2, so both paths through the square are wrong.",
      [r"2 ?\* ?x\b(?! ?\+)", r"\b2x\b", r"\bx\b (alone )?(instead of|where|in place of) (x ?\+ ?y|\(x ?\+ ?y\)|xpy)",
       r"(square|\(x ?\+ ?y\) ?\*\* ?2|xpysqr)[^.]{0,60}(x alone|only x|\bx\b instead|without y|forg\w* y|missing y|leaves? out y)",
       r"y (is )?(missing|left out|dropped|forgotten) (from|in) (the )?(square|derivative of the square)",
       r"(square|xpy)'?s? (local )?(gradient|derivative)[^.]{0,40}\bat x\b",
       r"(times|factor) x ?/ ?\(x ?\+ ?y\)"],
      """
      def staged_backward(df, cache):
          x, y, sigy, num, sigx, xpy, xpysqr, den, invden = cache
          dnum = invden * df
          dinvden = num * df
          dden = (-1.0 / den ** 2) * dinvden
          dsigx = 1.0 * dden
          dxpysqr = 1.0 * dden
          dxpy = (2.0 * x) * dxpysqr
          dx = 1.0 * dxpy
          dy = 1.0 * dxpy
          dx += sigx * (1.0 - sigx) * dsigx
          dx += 1.0 * dnum
          dsigy = 1.0 * dnum
          dy += sigy * (1.0 - sigy) * dsigy
          return dx, dy
      """),
    E("st9_num_perturbs_flat_copy", "staged", "numerical_gradient",
      "The steps are made on x.flatten(), a copy, so f never sees them: f_plus and f_minus are "
      "both f(x) and every entry of the estimate is zero.",
      ZEROS + [r"\bcopy\b", r"flatten", r"never (reach|see|change)s? (x|f)",
               r"(perturb|step|change)\w*[^.]{0,40}(not|never) (reach|seen|visible|applied|passed)",
               r"f (is )?(called|evaluated) (at|on) the (same|unchanged|original|unperturbed) (point|x)",
               r"(f_plus|f\(x ?\+ ?h\)) (equals|==|is the same as) (f_minus|f\(x ?- ?h\))"],
      """
      def numerical_gradient(f, x, h=1e-5):
          grad = np.zeros(x.shape, dtype=np.float64)
          flat = x.flatten()
          for i in range(flat.size):
              old = flat[i]
              flat[i] = old + h
              f_plus = f(x)
              flat[i] = old - h
              f_minus = f(x)
              flat[i] = old
              grad.flat[i] = (f_plus - f_minus) / (2 * h)
          return grad
      """),
    E("st9_mul_without_dout", "staged", "mul_backward",
      "The multiply gate returns only its local gradients (dx = y, dy = x), never multiplied by "
      "the upstream gradient dout.",
      UNUSED_DOUT + [r"(only|just) the (local gradient|other input)", r"never multiplied by (the )?(upstream|dout)",
                     r"(equals|is) (a copy of )?(the other input|y\b|x\b)"],
      """
      def mul_backward(dout, x, y):
          dx = y.copy()
          dy = x.copy()
          return dx, dy
      """),
    E("st9_max_compares_magnitudes", "staged", "max_backward",
      "The winner is chosen by magnitude, |x| > |y|, instead of by x > y, so where the larger "
      "input is the one nearer zero (both negative, or signs mixed) the gradient goes to the "
      "wrong input.",
      [r"\babs", r"magnitude", r"absolute", r"larger in size", r"sign (is |was )?ignored",
       r"\|x\| ?> ?\|y\|", r"(where|when) (both|x and y) (are )?negative",
       r"(winner|won|wins)[^.]{0,60}(negative|sign)"],
      """
      def max_backward(dout, x, y):
          x_wins = np.abs(x) > np.abs(y)
          dx = np.where(x_wins, dout, 0.0)
          dy = np.where(x_wins, 0.0, dout)
          return dx, dy
      """),
    E("st9_softplus_log_of_e", "staged", "softplus_circuit",
      "The derivative of log(1 + e) is taken as 1 / e (as for log(e)), so du = dsoft and the "
      "softplus's share of dx and dy is dg * y and dg * x instead of sigmoid(x * y) times them.",
      [r"1 ?/ ?e\b", r"log\(e\)", r"forg\w*[^.]{0,20}(the )?1 ?\+",
       r"(derivative of )?(the )?log\w*[^.]{0,50}(without the 1|missing the 1|forgets? the 1|dropp\w* the 1|instead of 1 ?/ ?\(1 ?\+ ?e\))",
       r"sigmoid\(x ?\* ?y\)[^.]{0,40}(missing|forgot|instead|replaced|as 1\b)",
       r"(missing|without|forg\w*)[^.]{0,30}(factor )?(of )?sigmoid\(x ?\* ?y\)",
       r"(as if|like) (the )?(softplus|log\(1 ?\+ ?e(xp)?[^)]{0,6}\)) (were|was|is) (x ?\* ?y|u\b|linear|the identity)",
       r"(softplus|log\(1 ?\+ ?exp?)[^.]{0,60}(slope|derivative) (of )?1\b", r"\(1 ?\+ ?e\) ?/ ?e", r"1 ?\+ ?exp\(-x ?\* ?y\)"],
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
          de = dsoft / e
          du = de * e
          dx = dx + du * y
          dy = dy + du * x
          return g, dx, dy
      """),
    E("st9_softplus_dinv_without_num", "staged", "softplus_circuit",
      "In frac = num * inv the gradient on inv is dfrac alone, forgetting the other factor "
      "num = x * tanh(y): dx's path through 1 + x**2 misses that factor; g and dy are right.",
      [r"(forg\w*|miss\w*|without|drop\w*|left out)[^.]{0,40}(\bnum\b|numerator|x ?\* ?tanh\(y\)|other factor)",
       r"(numerator|\bnum\b|x ?\* ?tanh\(y\))[^.]{0,40}(missing|forgotten|dropped|left out)",
       r"(factor|times) (of )?(the )?(numerator|num\b|x ?\* ?tanh\(y\))", r"other factor",
       r"1 ?/ ?\(?x ?\* ?tanh\(y\)\)?",
       r"(path|share|term) through (the )?(denominator|1 ?\+ ?x ?\*\* ?2|inv)[^.]{0,60}(num|numerator|x ?\* ?tanh)"],
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
          dinv = dfrac
          dden = dinv * (-1.0 / den ** 2)
          dx = dden * 2.0 * x
          dx = dx + dnum * t
          dt = dnum * x
          dy = dt * (1.0 - t ** 2)
          de = dsoft / (1.0 + e)
          du = de * e
          dx = dx + du * y
          dy = dy + du * x
          return g, dx, dy
      """),
    # ======================================================================== sigmoid (8)
    E("sg9_softmax_jacobian", "sigmoid", "sigmoid_layer_backward",
      "The sigmoid's elementwise derivative is replaced by the softmax's Jacobian, "
      "da = z * (dz - dz @ z), which couples the units: each unit's gradient has the other "
      "units' dz subtracted instead of being dz * z(1 - z).",
      [r"softmax", r"jacobian", r"(couple|mix|cross)\w*[^.]{0,30}(units|entries|outputs)",
       r"other units", r"(does not|doesn't|is not|isn't) (act |work )?elementwise",
       r"not (an )?element-?wise", r"(sum|dot product) over (the )?units",
       r"depends on (the )?other units", r"off-diagonal",
       r"(a|one) (shared|common) (term|constant|amount) (is )?subtracted"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          da = z * (dz - np.dot(dz, z))
          dx = W.T @ da
          dW = np.outer(da, x)
          return dx, dW
      """),
    E("sg9_divides_by_local", "sigmoid", "sigmoid_layer_backward",
      "The upstream gradient is divided by the local gradient instead of multiplied by it, "
      "da = dz / (z * (1 - z)) (the inverse function's derivative), so each unit's da is "
      "1 / (z(1 - z))**2 times the right one, and dx and dW follow from it.",
      [r"divid\w*[^.]{0,40}(instead of|rather than|not) multipl", r"(instead of|rather than|not) multipl\w*[^.]{0,40}divid",
       r"divid\w* by (the )?(local gradient|derivative|z ?\(1 ?- ?z\)|slope)", r"/ ?\(z ?\* ?\(1 ?- ?z\)\)",
       r"1 ?/ ?\(z ?\(1 ?- ?z\)\)", r"(reciprocal|inverse) of (the )?(local gradient|derivative|z ?\(1 ?- ?z\))",
       r"(derivative|gradient) of the (inverse|logit)", r"\(z ?\(1 ?- ?z\)\) ?\*\* ?2"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          da = dz / (z * (1.0 - z))
          dx = W.T @ da
          dW = np.outer(da, x)
          return dx, dW
      """),
    E("sg9_preactivation_as_log_z", "sigmoid", "sigmoid_layer_backward",
      "The pre-activation is recovered from the output as log(z) instead of log(z / (1 - z)), "
      "so the derivative exp(-a) / (1 + exp(-a))**2 becomes z / (1 + z)**2 instead of z(1 - z).",
      [r"log\(z\)", r"log ?z\b", r"\blogit\b", r"log\(z ?/ ?\(1 ?- ?z\)\)", r"inverse (of the )?sigmoid",
       r"(pre-?activation|\ba\b)[^.]{0,40}(recover|reconstruct|recomput|invert)\w*[^.]{0,60}(wrong|log|instead)",
       r"z ?/ ?\(1 ?\+ ?z\) ?\*\* ?2"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          a = np.log(z)
          local = np.exp(-a) / (1.0 + np.exp(-a)) ** 2
          da = dz * local
          dx = W.T @ da
          dW = np.outer(da, x)
          return dx, dW
      """),
    E("sg9_dW_inner_loop_D_times", "sigmoid", "sigmoid_layer_backward",
      "dW is filled by a double loop over units and inputs whose inner body adds the whole row "
      "da[i] * x, so each row is added D times: dW is D times the right one; dx is right.",
      [r"\bD times", r"times D\b", r"(factor|multiple) (of )?D\b", r"number of inputs",
       r"(added|accumulated|counted) (D times|once per input|for every input|repeatedly|several times|many times)",
       r"inner loop", r"\d+ times (the right|too large|larger|the expected|bigger)"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          H, D = W.shape
          da = dz * z * (1.0 - z)
          dx = W.T @ da
          dW = np.zeros((H, D))
          for i in range(H):
              for j in range(D):
                  dW[i] += da[i] * x
          return dx, dW
      """),
    E("sg9_tanh_form_without_quarter", "sigmoid", "sigmoid_layer_backward",
      "Using sigmoid(a) = (1 + tanh(a/2)) / 2, the local gradient is written 1 - t**2 with "
      "t = 2z - 1, forgetting the factor 1/4: it is 4 z(1 - z), so dx and dW are 4 times the "
      "right ones.",
      [r"\b4 times", r"four times", r"factor (of )?(4|four)\b",
       r"(missing|forg\w*|without|dropp\w*)[^.]{0,30}(1 ?/ ?4|quarter|/ ?4\b|0\.25)",
       r"1 ?/ ?4\b[^.]{0,30}(missing|forgot|dropped)", r"quarter", r"tanh\(a ?/ ?2\)", r"2 ?z ?- ?1"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          t = 2.0 * z - 1.0
          da = dz * (1.0 - t ** 2)
          dx = W.T @ da
          dW = np.outer(da, x)
          return dx, dW
      """),
    E("sat9_units_saturated_on_all", "sigmoid", "saturated_fraction",
      "A dead-unit habit: it returns the fraction of units saturated on every example "
      "(np.all over the examples) instead of the fraction of all N * H (example, unit) pairs.",
      [r"(every|all) (the )?examples?", r"dead[- ]unit", r"np\.all", r"(fraction|share) of (the )?units",
       r"(whole|entire) (column|unit)", r"per unit", r"(not|instead of) (the )?(fraction|share) of (the )?(pairs|N ?\* ?H)",
       r"(always|permanently) saturated"],
      """
      def saturated_fraction(W, X, tol=1e-3):
          Z = sigmoid(X @ W.T)
          local = Z * (1.0 - Z)
          return float(np.mean(np.all(local < tol, axis=0)))
      """),
    E("sat9_median_of_flags", "sigmoid", "saturated_fraction",
      "The 0/1 flags are combined with np.median instead of np.mean, so the answer is 0 or 1 "
      "(whether most pairs are saturated), not the fraction.",
      [r"median", r"(only|either) (0|1)( or (1|0))?\b", r"(is|returns?) (exactly )?(0|1)(\.0)? (or|instead)",
       r"majority", r"more than half", r"rounded", r"all or nothing", r"0 or 1\b"],
      """
      def saturated_fraction(W, X, tol=1e-3):
          Z = sigmoid(X @ W.T)
          local = Z * (1.0 - Z)
          return float(np.median(local < tol))
      """),
    E("sat9_sigmoid_before_weights", "sigmoid", "saturated_fraction",
      "The sigmoid is applied to the inputs before the weights, sigmoid(X) @ W.T, instead of "
      "to the pre-activations X @ W.T.",
      [r"sigmoid\(X\)", r"sigmoid (of|on|to) the inputs", r"(before|ahead of) the (weights|product|matrix|layer)",
       r"(order|wrong place)[^.]{0,30}(sigmoid|weights)", r"inputs[^.]{0,20}(squashed|passed through the sigmoid)", r"(pre-?activations?|X ?@ ?W\.T)[^.]{0,40}(not|never) (passed through|squashed|put through) (the )?sigmoid", r"(applied|applies) (the )?sigmoid (to|on) X\b"],
      """
      def saturated_fraction(W, X, tol=1e-3):
          Z = sigmoid(X) @ W.T
          local = Z * (1.0 - Z)
          return float(np.mean(local < tol))
      """),
    # ======================================================================== relu (8)
    E("rl9_where_arguments_swapped", "relu", "relu_backward",
      "The roles of dout and a are exchanged in np.where: it returns a where dout > 0 instead "
      "of dout where a > 0.",
      [r"(dout|upstream gradient)[^.]{0,40}(and|with) (the )?(input|\ba\b|cache)[^.]{0,30}(swapped|exchanged|in each other'?s? place|mixed up)",
       r"(\ba\b|the input|the pre-?activation|cache)[^.]{0,30}(instead of|where|in place of) (dout|the upstream)",
       r"mask (is )?(taken|built|made|computed) from (dout|the upstream|the gradient)",
       r"(returns?|passes|gives) (the )?(input|pre-?activation|cache)( values?)?\b", r"sign of (dout|the upstream)", r"(values of|returns?) a where dout ?> ?0", r"where dout ?> ?0"],
      """
      def relu_backward(dout, cache):
          a = cache
          da = np.where(dout > 0, a, 0.0)
          return da
      """),
    E("rl9_mask_unit_fired_anywhere", "relu", "relu_backward",
      "The mask is taken per unit from whether it fired on any example (a.max(axis=0) > 0), a "
      "dead-unit habit, so inactive entries of a live unit pass dout instead of 0.",
      [r"(any|some|at least one) (example|row)", r"per unit", r"(whole|entire) (column|unit)",
       r"(unit|column)[^.]{0,40}(fired|active|alive)[^.]{0,40}(any|some|once)",
       r"max over (the )?(batch|examples|rows)", r"dead[- ]unit",
       r"(negative|inactive) (entries|inputs)[^.]{0,60}(pass|let through|receive dout|get dout)",
       r"(where|when) a ?<= ?0[^.]{0,40}(dout|passes|not zero|nonzero|non-zero)", r"(wrong|differs|off) (only )?(where|at entries where) a ?<= ?0", r"(only )?(where|at entries where) a ?<= ?0[^.]{0,30}(wrong|differ|off)"],
      """
      def relu_backward(dout, cache):
          a = cache
          alive = a.max(axis=0) > 0
          da = dout * alive
          return da
      """),
    E("lk9_slope_applied_twice", "relu", "leaky_relu_backward",
      "The negative side is multiplied by the slope twice (np.where already gives slope * dout, "
      "then da[a <= 0] *= slope): it gets slope**2 * dout, slope times too small.",
      TWICE + [r"slope ?\*\* ?2", r"slope squared", r"square of (the )?slope", r"slope (times|\*) slope",
               r"(extra|additional) (factor )?(of )?(the )?slope", r"(slope|0\.01) times (the right|too small|smaller|the expected)", r"(only|just) (on )?(the )?(negative|a ?<= ?0|inactive) (side|part|entries|region)[^.]{0,30}(wrong|off|differ)", r"(negative|a ?<= ?0) (side|part|region|entries)[^.]{0,20}(is |are )?(wrong|off|differ)\w*[^.]{0,40}(positive|a ?> ?0)[^.]{0,20}(right|correct)", r"(right|correct) (where a ?> ?0|on the (positive|a ?> ?0) side|for a ?> ?0)[^.]{0,60}(negative|a ?<= ?0)"],
      """
      def leaky_relu_backward(dout, cache):
          a, slope = cache
          da = np.where(a > 0, dout, slope * dout)
          da[a <= 0] *= slope
          return da
      """),
    E("lk9_negative_side_abs", "relu", "leaky_relu_backward",
      "On the negative side the gradient is slope * |dout|, losing dout's sign there; the "
      "positive side is right.",
      [r"\babs", r"absolute", r"\|dout\|", r"(lost|drops?|ignor\w*|loses) (the |its |dout'?s? )?sign",
       r"sign of dout[^.]{0,30}(lost|dropped|ignored)",
       r"(negative|a ?<= ?0|inactive) (side|region|part|entries)[^.]{0,60}(sign|never negative|always positive)", r"(only|just) (on )?(the )?(negative|a ?<= ?0|inactive) (side|part|entries|region)[^.]{0,30}(wrong|off|differ)", r"(negative|a ?<= ?0) (side|part|region|entries)[^.]{0,20}(is |are )?(wrong|off|differ)\w*[^.]{0,40}(positive|a ?> ?0)[^.]{0,20}(right|correct)", r"(right|correct) (where a ?> ?0|on the (positive|a ?> ?0) side|for a ?> ?0)[^.]{0,60}(negative|a ?<= ?0)"],
      """
      def leaky_relu_backward(dout, cache):
          a, slope = cache
          da = np.where(a > 0, dout, slope * np.abs(dout))
          return da
      """),
    E("pr9_min_of_dout", "relu", "prelu_backward",
      "dalpha applies the minimum to the wrong operand, sum(np.minimum(dout, 0) * a): it sums "
      "a * dout where dout < 0 instead of where a <= 0; da is right.",
      [r"minimum (of|applied to|taken (of|on)) (dout|the upstream|the gradient)",
       r"(where|on entries where|wherever) dout ?(<|is negative)", r"np\.minimum\(dout", r"min\(dout",
       r"(selected|chosen|masked) by (the sign of )?dout", r"mask (is )?(from|on|by) (the sign of )?dout",
       r"(dout|upstream gradient)'?s? sign[^.]{0,40}(instead|where|select|choos)", r"(includes?|counts?|adds?) (the )?(entries|examples|products) (where|with) a ?> ?0"],
      """
      def prelu_backward(dout, cache):
          a, alpha = cache
          negative = a <= 0
          da = np.where(negative, alpha * dout, dout)
          dalpha = np.sum(np.minimum(dout, 0.0) * a, axis=0)
          return da, dalpha
      """),
    E("pr9_dalpha_matrix_product", "relu", "prelu_backward",
      "dalpha uses a matrix product where an elementwise product belongs, "
      "(np.minimum(a, 0).T @ dout).sum(axis=0): each unit's dout is paired with every unit's "
      "negative inputs instead of its own; da is right.",
      [r"matrix product", r"(dot|matrix|inner) product[^.]{0,40}(instead of|where|in place of)",
       r"(instead of|not|rather than) (an |the )?element-?wise", r"(every|all|other) units'? (inputs|\ba\b|pre-?activations|negative)",
       r"(mix|pair|cross)\w*[^.]{0,30}(units|columns)", r"units? (are )?(mixed|crossed)",
       r"(its|each unit'?s?) own (input|column|a\b)[^.]{0,30}(instead|not)"],
      """
      def prelu_backward(dout, cache):
          a, alpha = cache
          negative = a <= 0
          da = np.where(negative, alpha * dout, dout)
          dalpha = (np.minimum(a, 0.0).T @ dout).sum(axis=0)
          return da, dalpha
      """),
    E("dn9_bias_inside_product", "relu", "dead_neuron_fraction",
      "A parenthesis slip, X @ (W.T + b), adds the bias to the weights before the product, so "
      "each example's bias term is scaled by the sum of its inputs.",
      [r"bias[^.]{0,40}(weights|scaled|multipl|inside|before the product)", r"(added|adds) (to|into) (the )?weights",
       r"parenthes", r"precedence", r"X ?@ ?\(W\.T ?\+ ?b\)",
       r"(times|scaled by|multiplied by) (each example'?s?|the) (input|row)'?s? sum",
       r"sum of (each example'?s? |the )?inputs"],
      """
      def dead_neuron_fraction(W, b, X):
          pre = X @ (W.T + b)
          dead = np.all(pre <= 0, axis=0)
          return float(np.mean(dead))
      """),
    E("dn9_any_without_axis", "relu", "dead_neuron_fraction",
      "np.any(pre > 0) is taken without axis=0, one test over the whole layer: the answer is 0 "
      "as soon as any unit fires on any example (1 only if the whole layer is silent).",
      [r"\baxis", r"(whole|entire) (layer|matrix|batch) at once", r"(single|one) (bool|boolean|value|test) for (all|every|the whole)",
       r"(not|instead of) per unit", r"(only|either) (0|1)( or (1|0))?\b",
       r"as soon as (any|one) (unit|entry)", r"0 or 1\b"],
      """
      def dead_neuron_fraction(W, b, X):
          pre = X @ W.T + b
          dead = ~np.any(pre > 0)
          return float(np.mean(dead))
      """),
    # ======================================================================== rnn (10)
    E("rr9_dh0_carry_one_line_early", "rnn", "relu_rnn_backward",
      "The carry line is moved to the top of the loop (carry = Whh.T @ delta of the later "
      "step), so after the loop dh0 is the gradient reaching hs[0] from step 1, not what step 0 "
      "sends back to h0 (its dhs[0], its mask and one more Whh.T are missing); dWhh is right.",
      SHIFT + [r"(gradient|carry) (on|reaching|arriving at|for|of) (the first state|hs\[0\]|h\[0\]|state 0|the state after step 0)",
               r"(one|a) step (short|too few|early|late)",
               r"(without|missing|skips?|leaves? out|forg\w*)[^.]{0,40}(step 0|first step|the last (multiplication|step back)|dhs\[0\])",
               r"step 0'?s? (own )?(gradient|dhs|delta|contribution|step back)[^.]{0,40}(missing|never|not)"],
      """
      def relu_rnn_backward(dhs, cache):
          Whh, h0, hs = cache
          T, H = hs.shape
          dWhh = np.zeros_like(Whh)
          delta = np.zeros(H)
          carry = np.zeros(H)
          for t in reversed(range(T)):
              carry = Whh.T @ delta
              delta = (dhs[t] + carry) * (hs[t] > 0)
              h_prev = hs[t - 1] if t > 0 else h0
              dWhh += np.outer(delta, h_prev)
          return dWhh, carry
      """),
    E("rr9_mask_recomputed_transposed", "rnn", "relu_rnn_backward",
      "The ReLU mask is recomputed from the previous state with Whh's transpose, "
      "Whh.T @ h_prev > 0, instead of Whh @ h_prev (or hs[t]) > 0, so the wrong units are "
      "switched off.",
      [r"mask[^.]{0,60}(recomput\w*|transpos\w*|Whh\.T|Whh'?s? transpose)", r"Whh\.T ?@ ?h",
       r"transpos\w*[^.]{0,40}(mask|pre-?activation|forward)",
       r"(active|on|off) units[^.]{0,40}(transpos|Whh\.T)", r"mask (is )?(not|doesn't|does not) (match|equal) (hs\[t\] ?> ?0|the (forward|state))"],
      """
      def relu_rnn_backward(dhs, cache):
          Whh, h0, hs = cache
          T, H = hs.shape
          dWhh = np.zeros_like(Whh)
          carry = np.zeros(H)
          for t in reversed(range(T)):
              h_prev = hs[t - 1] if t > 0 else h0
              mask = (Whh.T @ h_prev) > 0
              delta = (dhs[t] + carry) * mask
              dWhh += np.outer(delta, h_prev)
              carry = Whh.T @ delta
          return dWhh, carry
      """),
    E("rr9_mask_on_carry_only", "rnn", "relu_rnn_backward",
      "Precedence: delta = dhs[t] + carry * (hs[t] > 0) masks only the carried gradient; the "
      "step's own dhs[t] passes the ReLU unmasked, also where the state is 0.",
      [r"precedence", r"parenthes",
       r"mask[^.]{0,60}(only|just) (to |on )?(the )?(carr|gradient from later|later steps)",
       r"(dhs\[t\]|direct|upstream|own|loss'?s?)[^.]{0,40}(unmasked|not masked|without the mask|bypass|skips? the mask|passes? (through )?(dead|inactive|off))",
       r"(dead|inactive|off|zero) (units|states|entries)[^.]{0,60}(receive|get|pass)",
       r"(where|when) hs\[t\] ?(==|is|=) ?0"],
      """
      def relu_rnn_backward(dhs, cache):
          Whh, h0, hs = cache
          T, H = hs.shape
          dWhh = np.zeros_like(Whh)
          carry = np.zeros(H)
          for t in reversed(range(T)):
              delta = dhs[t] + carry * (hs[t] > 0)
              h_prev = hs[t - 1] if t > 0 else h0
              dWhh += np.outer(delta, h_prev)
              carry = Whh.T @ delta
          return dWhh, carry
      """),
    E("rs9_local_after_product", "rnn", "rnn_step_backward",
      "dprev_h applies the tanh's derivative after the product, (dnext_h @ Wh.T) * (1 - next_h**2), "
      "on the previous state's units instead of before it on this step's; the other outputs are "
      "right.",
      [r"(after|instead of before) (the )?(product|multiplication|matrix product|Wh)", r"wrong side",
       r"(local gradient|tanh'?s? derivative|1 ?- ?next_h ?\*\* ?2)[^.]{0,60}(after|outside|wrong (side|place)|previous (step'?s? )?(state'?s? )?units|on the (input|prev) side)",
       r"order of (the )?(operations|factors|product)", r"(dnext_h|upstream) ?@ ?Wh\.T", r"(applied|multiplied)[^.]{0,30}(after|outside) (the )?(product|Wh\.T|matrix)"],
      """
      def rnn_step_backward(dnext_h, cache):
          x, prev_h, Wx, Wh, next_h = cache
          da = dnext_h * (1.0 - next_h ** 2)
          dx = da @ Wx.T
          dprev_h = (dnext_h @ Wh.T) * (1.0 - next_h ** 2)
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dWx, dWh, db
      """),
    E("rs9_dWh_symmetrised", "rnn", "rnn_step_backward",
      "dWh is symmetrised, (prev_h.T @ da + its transpose) / 2, as if the square matrix Wh "
      "were symmetric: it is the average of the right one and its transpose.",
      [r"symmetr", r"average of [^.]{0,40}transpose", r"(plus|and|\+|with|mix\w* of) (its|the) transpose",
       r"half (the )?sum[^.]{0,30}transpose", r"\(dWh ?\+ ?dWh\.T\)", r"as if Wh (were|was|is) symmetric"],
      """
      def rnn_step_backward(dnext_h, cache):
          x, prev_h, Wx, Wh, next_h = cache
          da = dnext_h * (1.0 - next_h ** 2)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          dWh = 0.5 * (dWh + dWh.T)
          db = da.sum(axis=0)
          return dx, dprev_h, dWx, dWh, db
      """),
    E("rb9_dh0_through_Wh_again", "rnn", "rnn_backward",
      "After the loop dh0 is sent back through Wh's transpose once more (dh0 = dprev @ Wh.T), "
      "although step 0's dprev_h already went through it; the other outputs are right.",
      TWICE + [r"(extra|additional|one more|another) (multiplication|product|step|time)[^.]{0,40}(Wh|transpose|recurrent)",
               r"Wh(\.T|'?s? transpose)?[^.]{0,40}(twice|again|one time too many|extra)",
               r"(times|multiplied by) Wh(\.T| transposed|'?s? transpose)", r"(one|a) step too (far|many)",
               r"once more"],
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
              db += db_t
          dh0 = dprev @ Wh.T
          return dx, dh0, dWx, dWh, db
      """),
    E("rb9_direct_dh_tanh_twice", "rnn", "rnn_backward",
      "The loss's dh[:, t] is multiplied by the step's tanh derivative 1 - h[:, t]**2 before it "
      "is added to the carry, and rnn_step_backward applies that derivative again: the direct "
      "part carries it twice.",
      TWICE + [r"(tanh'?s? |local )(derivative|gradient)[^.]{0,60}(twice|again|before|extra|two times|second time)",
               r"(extra|additional) (factor )?(of )?(the )?(tanh|1 ?- ?h|local)",
               r"1 ?- ?(next_)?h\w* ?\*\* ?2[^.]{0,30}(again|extra|twice|too many)", r"squared (local|tanh)",
               r"(direct|upstream|loss'?s?|dh\[:, ?t\])[^.]{0,60}(tanh|local (gradient|derivative))"],
      """
      def rnn_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, Wx, Wh, _ = cache[0]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(H)
          dprev = np.zeros((N, H))
          for t in reversed(range(T)):
              next_h = cache[t][4]
              dnext = dh[:, t, :] * (1.0 - next_h ** 2) + dprev
              dx_t, dprev, dWx_t, dWh_t, db_t = rnn_step_backward(dnext, cache[t])
              dx[:, t, :] = dx_t
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev, dWx, dWh, db
      """),
    E("cn9_squares_not_accumulated", "rnn", "clip_grad_norm",
      "The running sum of squares is assigned (sq = np.sum(g**2)) instead of added to, so "
      "total_norm is the norm of the last array only and the scale is wrong.",
      [r"(only|just) (the )?last (array|gradient|key|one)",
       r"(=|assign\w*|overwrit\w*|replac\w*) instead of (\+=|add|accumulat|summ)",
       r"(not|never) (accumulat|summ|add)\w*", r"(one|a single) (array|gradient)'?s? norm",
       r"(norm|sum of squares) of (the )?(last|one|a single)", r"(not|isn't|is not) (the )?global"],
      """
      def clip_grad_norm(grads, max_norm):
          sq = 0.0
          for g in grads.values():
              sq = np.sum(g ** 2)
          total_norm = float(np.sqrt(sq))
          scale = max_norm / total_norm if total_norm > max_norm else 1.0
          clipped = {name: g * scale for name, g in grads.items()}
          return clipped, total_norm
      """),
    E("cv9_tanh_soft_clip", "rnn", "clip_grad_value",
      "It clips softly, clip_value * tanh(g / clip_value), which also shrinks the entries inside "
      "[-clip_value, clip_value] instead of leaving them unchanged.",
      [r"tanh", r"soft(ly)? clip", r"smooth",
       r"(squash|shrink|compress)\w*[^.]{0,40}(every|all|inside|small|within)",
       r"(entries|values) (inside|within|below)[^.]{0,60}(changed|shrunk|not (left|kept) unchanged|altered|modified|smaller)",
       r"(changes|alters|shrinks) (the )?(entries|values) (that are )?(already )?(inside|within)"],
      """
      def clip_grad_value(grads, clip_value):
          return {name: clip_value * np.tanh(g / clip_value) for name, g in grads.items()}
      """),
    E("sr9_symmetric_part", "rnn", "spectral_radius",
      "To avoid complex eigenvalues it takes the eigenvalues of the symmetric part (W + W.T) / 2 "
      "(with eigvalsh) instead of those of W itself.",
      [r"symmetri[sz]\w*", r"symmetric part", r"W ?\+ ?W\.T", r"(average|mean) of W and (its )?transpose",
       r"eigvalsh", r"(avoid|without|no) complex"],
      """
      def spectral_radius(W):
          return float(np.max(np.abs(np.linalg.eigvalsh((W + W.T) / 2.0))))
      """),
    # ======================================================================== softmax (16)
    E("af9_dW_plus_db", "softmax", "affine_backward",
      "A copy slip adds db to dW (dW = x.T @ dout + db): every row of dW is the right one plus "
      "dout's column sums; dx and db are right.",
      [r"plus (db|the bias'?s? gradient|the column sums|dout'?s? column sums)",
       r"\bdb\b[^.]{0,40}(added|adds|\+)[^.]{0,20}(dW|every row|the weights)",
       r"(added|adds) (to|into) (every|each) row", r"(every|each) row of dW[^.]{0,60}(db|column sums|same (amount|offset|vector))",
       r"(bias|db)'?s? gradient (also )?(in|into|added to) dW", r"(offset|shifted) by (db|the bias)",
       r"(the )?sum of dout over (the )?(batch|rows)"],
      """
      def affine_backward(dout, cache):
          x, W, b = cache
          db = dout.sum(axis=0)
          dx = dout @ W.T
          dW = x.T @ dout + db
          return dx, dW, db
      """),
    E("af9_dx_loop_skips_first_output", "softmax", "affine_backward",
      "dx is summed over the outputs in a loop range(1, M), so the first output's contribution "
      "dout[:, 0] * W[:, 0] is missing from every row; dW and db are right.",
      [r"(first|0th) (output|column|class|unit)'?s? (contribution|term|part|share)[^.]{0,30}(missing|left out|never|dropped|forgotten)",
       r"(missing|without|leaves? out|skips?|drops?)[^.]{0,30}(the )?(first|0th) (output|column|term)",
       r"range\(1", r"(loop|sum) (starts?|begins?) (at|from) 1", r"off[- ]by[- ]one", r"(output|column) 0\b",
       r"(minus|less) (the )?(first|0th)"],
      """
      def affine_backward(dout, cache):
          x, W, b = cache
          M = W.shape[1]
          dx = np.zeros(x.shape)
          for m in range(1, M):
              dx += np.outer(dout[:, m], W[:, m])
          dW = x.T @ dout
          db = dout.sum(axis=0)
          return dx, dW, db
      """),
    E("af9_dW_starts_at_ones", "softmax", "affine_backward",
      "The accumulator for dW is started with np.ones_like(W) instead of zeros: every entry of "
      "dW is 1 more than the right one; dx and db are right.",
      [r"\bones\b", r"plus (one|1)\b", r"\+ ?1\b", r"(off|too large|larger|shifted|offset) by (one|1)(\.0)?\b",
       r"(started|starts|initiali[sz]ed|begins?) (from|at|with) (one|1|ones)",
       r"(one|1(\.0)?) (too (large|much|big)|more) (in|at) (every|each) (entry|element)",
       r"every entry[^.]{0,30}(1|one) (more|too large|larger)"],
      """
      def affine_backward(dout, cache):
          x, W, b = cache
          dx = dout @ W.T
          dW = np.ones_like(W)
          for n in range(x.shape[0]):
              dW += np.outer(x[n], dout[n])
          db = dout.sum(axis=0)
          return dx, dW, db
      """),
    E("sce9_softmax_of_negated_logits", "softmax", "softmax_cross_entropy_backward",
      "dlogits recomputes the probabilities with the shift written the wrong way round, "
      "exp(max - logits), which is the softmax of the negated logits; dlabels is right.",
      [r"(negat\w*|minus|opposite sign|sign)[^.]{0,40}(logits|exponent|\bexp|shift)", r"softmax\(-", r"exp\(-",
       r"softmax of (the )?negat", r"(smallest|lowest) logits?[^.]{0,40}(largest|highest|most) probab",
       r"max ?- ?logits", r"(flipped|reversed|inverted) (the )?(ranking|order|preference)"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          e = np.exp(logits.max(axis=1, keepdims=True) - logits)
          p = e / e.sum(axis=1, keepdims=True)
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (p * row_sums - labels) / N
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("sce9_jacobian_dot_for_outer", "softmax", "softmax_cross_entropy_backward",
      "Chaining by hand through the softmax's Jacobian diag(p) - p p^T, the outer product is "
      "written p @ p (a dot product), so one number, the sum of p**2, is subtracted from every "
      "entry of the Jacobian; dlabels is right.",
      [r"(dot|inner|scalar) product[^.]{0,40}(instead of|where|in place of) (an |the )?outer",
       r"outer product", r"p ?@ ?p", r"off-diagonal", r"(squared norm|sum of (the )?squares?) of (the )?(probabilit|p\b)",
       r"sum of p ?\*\* ?2", r"(same|one) (number|constant|value) subtracted (from )?every entry"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N, C = logits.shape
          dlogits = np.zeros((N, C))
          for n in range(N):
              p = probs[n]
              J = np.diag(p) - p @ p
              g = -dloss * labels[n] / (p * N)
              dlogits[n] = g @ J
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("sce9_onehot_term_on_top", "softmax", "softmax_cross_entropy_backward",
      "After the soft-label formula, the one-hot recipe's step is applied too: dloss / N is "
      "subtracted again at each row's largest label (argmax), so that entry is off by -dloss / N; "
      "dlabels is right.",
      TWICE + [r"argmax", r"(largest|biggest|highest|top|main|true|target) (label|class)", r"one-?hot",
               r"(extra|additional|another|second)[^.]{0,30}(-|minus |subtract\w* )?(1 ?/ ?N|dloss ?/ ?N)\b",
               r"minus (1 ?/ ?N|dloss ?/ ?N)", r"(1 ?/ ?N|dloss ?/ ?N) (too (small|low|much)|less|subtracted)",
               r"(one|single) (entry|class) (per|in each|of every) row"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (probs * row_sums - labels) / N
          dlogits[np.arange(N), labels.argmax(axis=1)] -= dloss / N
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("sce9_rowsum_counts_labels", "softmax", "softmax_cross_entropy_backward",
      "The row sums count each row's nonzero labels, (labels > 0).sum(axis=1), instead of "
      "adding them up: right for one-hot rows only; dlabels is right.",
      [r"count\w*[^.]{0,30}(nonzero|non-zero|positive|labels|entries|classes)",
       r"number of (nonzero|non-zero|positive|labelled|labeled) (labels|entries|classes)",
       r"labels ?> ?0", r"count_nonzero", r"row sums? (is|are|taken as) (the )?(count|number)",
       r"(right|correct) only for one-?hot", r"(count|number of nonzero)[^.]{0,30}(instead of|where|in place of) (the )?(row )?sum"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          row_sums = (labels > 0).sum(axis=1, keepdims=True)
          dlogits = dloss * (probs * row_sums - labels) / N
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("sce9_lse_added", "softmax", "softmax_cross_entropy_backward",
      "dlabels recomputes log p with the log-sum-exp added instead of subtracted "
      "(shifted + log(sum(exp(shifted)))): each row of dlabels is off by the constant "
      "-2 * log-sum-exp / N * dloss; dlogits is right.",
      [r"log-?sum-?exp[^.]{0,50}(added|sign|plus|instead of subtract|opposite)",
       r"(added|adds|plus) (instead of|rather than) subtract",
       r"(each|every) row[^.]{0,40}(off|shifted|offset) by (a |one )?(constant|the same)",
       r"(constant|same (amount|value|number)) (per|in each|for each|across each|along each) row",
       r"(normali[sz]\w*|log of the (sum|denominator)|partition)[^.]{0,40}(sign|added|plus|wrong way)",
       r"2 ?(times|\*) (the )?(log-?sum-?exp|lse|log of the sum)"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (probs * row_sums - labels) / N
          shifted = logits - logits.max(axis=1, keepdims=True)
          log_probs = shifted + np.log(np.exp(shifted).sum(axis=1, keepdims=True))
          dlabels = -dloss * log_probs / N
          return dlogits, dlabels
      """),
    E("sce9_log_derivative_times_p", "softmax", "softmax_cross_entropy_backward",
      "Chaining by hand through log p and the softmax, the gradient on p is -labels * p / N "
      "(multiplied by p) instead of -labels / (p * N) (divided by p); the Jacobian step is right, "
      "dlabels is right.",
      [r"(multipl\w*|times) (by )?(p\b|the probabilit\w*)[^.]{0,30}(instead of|where|rather than|not) (divid|1 ?/ ?p)",
       r"(instead of|not|rather than) divid\w* by (p\b|the probabilit)", r"p ?\*\* ?2",
       r"(derivative|gradient) of (the )?log[^.]{0,40}(multipl|instead of 1 ?/ ?p|\bp\b instead)",
       r"(extra|additional) factors? (of )?p ?\*\* ?2", r"(p|probabilit\w*) squared",
       r"\(multiplied by p\)", r"labels ?\* ?p ?/ ?N"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          g = -dloss * labels * probs / N
          dlogits = probs * (g - np.sum(g * probs, axis=1, keepdims=True))
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("sce9_row_mean_for_sum", "softmax", "softmax_cross_entropy_backward",
      "The labels' row sums are taken with mean instead of sum (labels.mean(axis=1)), so the "
      "probabilities' term of dlogits is 1/C of the right one; dlabels is right.",
      [r"mean (over|of|across) (the )?(classes|each row|the row|columns)",
       r"(mean|average)[^.]{0,30}(instead of|rather than|not) (the |a )?sum", r"labels\.mean",
       r"divided by C\b", r"1 ?/ ?C\b", r"number of classes",
       r"probabilit\w*'? (term|part)[^.]{0,40}(1 ?/ ?C|too small|divided|C times)"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          row_sums = labels.mean(axis=1, keepdims=True)
          dlogits = dloss * (probs * row_sums - labels) / N
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("mlp9_logits_as_probs", "softmax", "mlp_backward",
      "Written out by hand, the gradient on the logits uses the logits themselves where the "
      "probabilities belong, (logits * row_sums - labels) / N: the softmax is forgotten.",
      [r"logits[^.]{0,40}(instead of|where|in place of|as if they were) (the )?(probabilit|softmax)",
       r"(softmax|probabilities) (is |are )?(never|not) (applied|computed|taken)",
       r"(without|forg\w*|miss\w*|skips?) (the )?softmax", r"raw (scores|logits)",
       r"(uses?|used) (the )?(logits|scores) (directly|themselves)", r"softmax (is )?(missing|skipped|forgotten|left out)", r"(probabilities|probs) (are )?replaced by (the )?logits"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          logits, labels, probs = loss_cache
          N = logits.shape[0]
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (logits * row_sums - labels) / N
          dh, dW2, db2 = affine_backward(dlogits, aff2_cache)
          da = dh * (relu_cache > 0)
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("mlp9_probs_from_preactivation", "softmax", "mlp_backward",
      "Written out by hand, the probabilities are recomputed from relu_cache @ W2 + b2, the "
      "ReLU's input (pre-activation) where its output belongs, instead of taken from the loss's "
      "cache; everything after uses them.",
      [r"pre-?activation[^.]{0,60}(instead of|where|in place of|rather than) (the )?(relu'?s? )?(output|activation|h\b)",
       r"(without|forg\w*|skips?|miss\w*)[^.]{0,20}(the )?relu[^.]{0,40}(recomput|forward|probabilit|logits)",
       r"(recomput\w*|rebuilt|recalculat\w*)[^.]{0,60}(pre-?activation|relu_cache|without (the )?relu)",
       r"negative (hidden|pre-?activation)[^.]{0,40}(values|units)[^.]{0,30}(kept|included|not zeroed)", r"relu (is )?(missing|skipped|left out|forgotten) (in|from) (the )?(recomputed|recomputation|forward)", r"relu_cache ?@ ?W2"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          _, labels, _ = loss_cache
          _, W2, b2 = aff2_cache
          logits = relu_cache @ W2 + b2
          shifted = logits - logits.max(axis=1, keepdims=True)
          p = np.exp(shifted)
          p = p / p.sum(axis=1, keepdims=True)
          N = logits.shape[0]
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (p * row_sums - labels) / N
          dh, dW2, db2 = affine_backward(dlogits, aff2_cache)
          da = dh * (relu_cache > 0)
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("mlp9_hidden_min_for_max", "softmax", "mlp_backward",
      "Written out by hand, the hidden activations for dW2 are np.minimum(relu_cache, 0) where "
      "np.maximum belongs, so dW2 is built from the negative part of the pre-activation; the "
      "other gradients are right.",
      [r"minimum", r"\bmin\(", r"negative part", r"min\(a, ?0\)", r"(instead of|not) (the )?(max|maximum|relu'?s? output)",
       r"(hidden activations?|\bh\b)[^.]{0,40}(negative|wrong sign|min)",
       r"(only|just) (the )?(negative|inactive) (units|entries|pre-?activations)"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          dlogits, _ = softmax_cross_entropy_backward(dloss, loss_cache)
          _, W2, _ = aff2_cache
          h = np.minimum(relu_cache, 0)
          dW2 = h.T @ dlogits
          db2 = dlogits.sum(axis=0)
          dh = dlogits @ W2.T
          da = dh * (relu_cache > 0)
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("mlp9_mask_previous_example", "softmax", "mlp_backward",
      "In a loop over the examples the ReLU mask is read from relu_cache[n - 1] (an index typo): "
      "each example is masked by the previous example's pre-activation, example 0 by the last "
      "one's; W2 and b2 are right.",
      SHIFT + [r"relu_cache\[n ?- ?1\]",
               r"(previous|neighbou?ring|adjacent|next|another|other|wrong) (example|row)'?s? (mask|pre-?activation|relu)",
               r"mask[^.]{0,40}(shifted|rolled|off by one|misaligned|from (the )?(previous|another|other|wrong) (example|row))",
               r"(row|example) 0[^.]{0,40}last", r"(rows|examples) (of the mask )?(are )?(mixed|shifted|misaligned)"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          dlogits, _ = softmax_cross_entropy_backward(dloss, loss_cache)
          dh, dW2, db2 = affine_backward(dlogits, aff2_cache)
          da = np.zeros_like(dh)
          for n in range(dh.shape[0]):
              da[n] = dh[n] * (relu_cache[n - 1] > 0)
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("mlp9_dW2_without_labels", "softmax", "mlp_backward",
      "Written out by hand, dW2 is h.T @ (probs * row_sums) * dloss / N: the labels' term is "
      "forgotten in the second layer's weights only (dW2 is off by + h.T @ labels * dloss / N); "
      "db2, dX and the first layer use the full gradient and are right.",
      [r"labels'? (term|part)[^.]{0,40}(missing|forgotten|left out|dropped|never)",
       r"(without|forg\w*|miss\w*|leav\w* out|drop\w*) (the )?labels",
       r"(only|just) (the )?probabilit\w* (term|part)", r"h\.T ?@ ?labels",
       r"(differ|off) by (h\.T ?@ ?labels|the labels)", r"labels'? (term|contribution|share)", r"(term|part) (with|of|from) (the )?labels[^.]{0,30}(missing|left out)", r"dW2[^.]{0,40}(missing|without|lacks) (a |the )?term", r"minus h\.T"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          logits, labels, probs = loss_cache
          h, W2, b2 = aff2_cache
          N = logits.shape[0]
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (probs * row_sums - labels) / N
          dW2 = h.T @ (probs * row_sums) * dloss / N
          db2 = dlogits.sum(axis=0)
          dh = dlogits @ W2.T
          da = dh * (relu_cache > 0)
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("mlp9_hidden_path_without_dloss", "softmax", "mlp_backward",
      "Written out by hand, dloss is multiplied into dW2 and db2 only: the hidden gradient is "
      "sent back from the gradient on the logits for dloss = 1, so dX, dW1 and db1 ignore dloss "
      "(1/dloss times the right ones); W2 and b2 are right.",
      [r"(first layer|dX|W1|b1|hidden (gradient|path))[^.]{0,60}(ignor\w*|without|missing|forg\w*|never)[^.]{0,20}dloss",
       r"dloss[^.]{0,40}(only|just) (in|into|for|on) (the )?(second|last|output) layer",
       r"dloss[^.]{0,40}(missing|forgotten|dropped|not multiplied|never multiplied)[^.]{0,40}(first layer|dX|W1|b1|hidden)",
       r"(right|correct) only (for|when) dloss ?= ?1", r"1 ?/ ?dloss", r"as if dloss (were|was|is) 1", r"(times|factor) (of )?1 ?/ ?dloss", r"dloss times (too|smaller|larger)"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          logits, labels, probs = loss_cache
          h, W2, b2 = aff2_cache
          N = logits.shape[0]
          row_sums = labels.sum(axis=1, keepdims=True)
          g = (probs * row_sums - labels) / N
          dW2 = h.T @ (dloss * g)
          db2 = (dloss * g).sum(axis=0)
          dh = g @ W2.T
          da = dh * (relu_cache > 0)
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    # ======================================================================== lstm (16)
    E("ls9_g_local_without_square", "lstm", "lstm_step_backward",
      "The candidate's local gradient is written 1 - g instead of 1 - g**2 (the square "
      "forgotten): the candidate's block of da is 1 / (1 + g) times the right one, and so its "
      "columns of dWx, dWh, db and its share of dx and dprev_h.",
      [r"1 ?- ?g\b(?! ?\*)", r"(square|\*\* ?2)[^.]{0,30}(missing|forgotten|dropped|left out)",
       r"(missing|forg\w*|without|drop\w*)[^.]{0,20}(the )?(square|\*\* ?2)",
       r"1 ?/ ?\(1 ?\+ ?g\)", r"(factor|times) \(?1 ?\+ ?g\)?", r"(right|correct)[^.]{0,40}(except|but|apart from) (in |for )?the (candidate|g)('?s)?( gate'?s?)? block", r"(candidate|g)('?s)?( gate'?s?)? block (is |alone )?(wrong|differs|off|is the only)", r"(only|just) (in )?the (candidate|g)('?s)?( gate'?s?)? block[^.]{0,30}(wrong|differ|off)"],
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
          da = np.concatenate([di * i * (1.0 - i), df * f * (1.0 - f),
                               do * o * (1.0 - o), dg * (1.0 - g)], axis=1)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("ls9_dprev_c_forget_on_carry_only", "lstm", "lstm_step_backward",
      "dprev_c is written out as dnext_c * f + dnext_h * o * (1 - tanh(next_c)**2): the forget "
      "gate multiplies only the carried dnext_c, not the path from next_h (that term misses the "
      "factor f); the other outputs are right.",
      [r"(forget gate|\bf\b)[^.]{0,60}(only|just) (multipl\w* |on |to )?(the )?(carried|dnext_c|cell-?state gradient from|upstream cell)",
       r"(path|gradient|term) from next_h[^.]{0,60}(without|missing|not multiplied by|skips?) (the )?(forget gate|factor f|\bf\b)",
       r"(missing|without|forg\w*)[^.]{0,20}(the )?(factor )?(of )?(the forget gate|f\b)[^.]{0,40}(path|next_h|second term|hidden)",
       r"precedence", r"parenthes", r"\(1 ?- ?f\)"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = dnext_c + dnext_h * o * (1.0 - tanh_c ** 2)
          df = dc * prev_c
          dprev_c = dnext_c * f + dnext_h * o * (1.0 - tanh_c ** 2)
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
    E("ls9_cell_path_reuses_do", "lstm", "lstm_step_backward",
      "The cell path reuses do (= dnext_h * tanh(next_c)) where dnext_h * o belongs: "
      "dc = dnext_c + do * (1 - tanh(next_c)**2), so that path has tanh(next_c) in place of the "
      "output gate o.",
      [r"\bdo\b[^.]{0,40}(reused|instead of|where|in place of)",
       r"tanh\(next_c\)[^.]{0,40}(instead of|where|in place of) (the output gate|o\b)",
       r"(output gate|\bo\b)[^.]{0,40}(replaced|instead|missing|forgotten)[^.]{0,40}tanh",
       r"(factor|times) tanh\(next_c\) ?/ ?o", r"tanh_c ?/ ?o", r"(wrong|differs?|off) in (every|all|each) (gate )?blocks? (but|except) (the )?output", r"output gate'?s? block (is )?(the only one )?(right|correct)"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = dnext_c + do * (1.0 - tanh_c ** 2)
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
    E("ls9_dprev_c_from_df", "lstm", "lstm_step_backward",
      "dprev_c is computed from df (already dc * prev_c) instead of from dc: dprev_c = df * f "
      "carries an extra factor prev_c; the other outputs are right.",
      [r"\bdf\b[^.]{0,40}(instead of|where|in place of|reused)", r"(extra|additional) (factor )?(of )?prev_c",
       r"(times|multiplied by) prev_c", r"prev_c[^.]{0,40}(too many|extra|again)", r"dc ?\* ?prev_c ?\* ?f",
       r"forget gate'?s? (gradient|block)[^.]{0,40}(instead of|where|in place of) (the )?(cell|dc)"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = dnext_c + dnext_h * o * (1.0 - tanh_c ** 2)
          df = dc * prev_c
          dprev_c = df * f
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
    E("ls9_dWh_peephole_term", "lstm", "lstm_step_backward",
      "dWh adds prev_c.T @ da to prev_h.T @ da, as if the previous cell state also fed the "
      "gates through Wh (a peephole habit): dWh is the right one plus prev_c.T @ da; the other "
      "outputs are right.",
      [r"peephole", r"prev_c'?s? (term|contribution|product)", r"prev_c\.T ?@ ?da",
       r"(plus|\+|adds?|added) (a |the )?(term|product|contribution) (of|from|with) (the )?(previous )?cell",
       r"(cell state|prev_c)[^.]{0,40}(as if it|treated as)[^.]{0,20}(fed|input|feeds)", r"(plus|\+) prev_c",
       r"(previous )?cell state[^.]{0,30}(also|added|extra)"],
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
          da = np.concatenate([di * i * (1.0 - i), df * f * (1.0 - f),
                               do * o * (1.0 - o), dg * (1.0 - g ** 2)], axis=1)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da + prev_c.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("ls9_df_dnext_c_twice", "lstm", "lstm_step_backward",
      "The forget gate's gradient adds dnext_c again, df = (dc + dnext_c) * prev_c, although dc "
      "already holds it: the forget gate's block counts the carried cell gradient twice.",
      TWICE + [r"dnext_c[^.]{0,40}(twice|again|two times|extra|added (a second|again))",
               r"(forget gate|\bf\b)('?s? block)?[^.]{0,60}(dnext_c|carried cell gradient)[^.]{0,30}(twice|again|extra|too)",
               r"(plus|\+) dnext_c ?\* ?prev_c", r"(extra|additional) (term )?dnext_c", r"(right|correct)[^.]{0,40}(except|but|apart from) (in |for )?the (forget|f)( gate)?'?s? block", r"(forget|f)( gate)?'?s? block (is |alone )?(wrong|differs|off|is the only)", r"(only|just) (in )?the (forget|f)( gate)?'?s? block[^.]{0,30}(wrong|differ|off)"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = dnext_c + dnext_h * o * (1.0 - tanh_c ** 2)
          df = (dc + dnext_c) * prev_c
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
    E("ls9_do_tanh_squared", "lstm", "lstm_step_backward",
      "The output gate's gradient is dnext_h * tanh(next_c)**2 instead of dnext_h * tanh(next_c) "
      "(a stray square): the output gate's block carries an extra factor tanh(next_c).",
      [r"tanh\(next_c\) ?\*\* ?2", r"tanh_c ?\*\* ?2", r"(square|squared)[^.]{0,30}tanh",
       r"tanh[^.]{0,30}(square|squared|twice)", r"(extra|additional) (factor )?(of )?tanh\(next_c\)",
       r"times tanh\(next_c\)", r"(right|correct)[^.]{0,40}(except|but|apart from) (in |for )?the (output|o)( gate)?'?s? block", r"(output|o)( gate)?'?s? block (is |alone )?(wrong|differs|off|is the only)", r"(only|just) (in )?the (output|o)( gate)?'?s? block[^.]{0,30}(wrong|differ|off)"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c ** 2
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
    E("ls9_forget_block_prev_c_twice", "lstm", "lstm_step_backward",
      "Assembling da, the forget gate's block multiplies by prev_c again, df * f(1 - f) * prev_c, "
      "although df already holds it: that block carries prev_c squared.",
      TWICE + [r"prev_c ?\*\* ?2", r"prev_c[^.]{0,40}(twice|again|squared|two times|extra)",
               r"(extra|additional) (factor )?(of )?prev_c", r"(square|squared) of prev_c", r"times prev_c", r"(right|correct)[^.]{0,40}(except|but|apart from) (in |for )?the (forget|f)( gate)?'?s? block", r"(forget|f)( gate)?'?s? block (is |alone )?(wrong|differs|off|is the only)", r"(only|just) (in )?the (forget|f)( gate)?'?s? block[^.]{0,30}(wrong|differ|off)"],
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
          da = np.concatenate([di * i * (1.0 - i), df * f * (1.0 - f) * prev_c,
                               do * o * (1.0 - o), dg * (1.0 - g ** 2)], axis=1)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("lb9_cell_path_added_by_hand", "lstm", "lstm_backward",
      "Each step's dh[:, t] is also pushed into the cell state by hand, "
      "dnext_c = dprev_c + dh[:, t] * o * (1 - tanh(c)**2), and lstm_step_backward adds that "
      "path again: the path from the loss's dh into the cell state is counted twice.",
      TWICE + [r"(path|gradient) from (the )?(hidden|h\b|dh|loss)[^.]{0,40}(into|to) (the )?cell[^.]{0,40}(twice|again|extra|by hand|added)",
               r"dh\[:, ?t\][^.]{0,60}(cell|dnext_c)", r"(cell(-| )state|dnext_c)[^.]{0,60}(extra|also|twice)",
               r"o ?\* ?\(1 ?- ?tanh"],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])
          dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
          for t in reversed(range(T)):
              o, next_c = cache[t][7], cache[t][9]
              dcell = dprev_c + dh[:, t] * o * (1.0 - np.tanh(next_c) ** 2)
              dx[:, t], dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(
                  dh[:, t] + dprev_h, dcell, cache[t])
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev_h, dWx, dWh, db
      """),
    E("lb9_all_dh_into_last_step", "lstm", "lstm_backward",
      "The upstream gradients of all steps are summed over time and fed into the last step "
      "only (dh.sum(axis=1) at t = T - 1, nothing directly at the others), as if each dh[:, t] "
      "would reach its own step through the recurrence anyway.",
      [r"(summed|sum|added) over (time|all (time )?steps|the steps)[^.]{0,60}(last|final)",
       r"(all|every|the whole)[^.]{0,30}(upstream|dh)[^.]{0,40}(last|final) (step|state)",
       r"(only|just) (the )?(last|final) step (receives|gets|is given)",
       r"(earlier|other) steps'? (upstream|dh)[^.]{0,40}(last|final|moved|added)", r"dh\.sum\(axis ?= ?1\)",
       r"(as if|like) (the )?loss read (only )?the last",
       r"upstream gradients? (of|from) (all|every|earlier) steps[^.]{0,40}(last|final)"],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])
          dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
          total = dh.sum(axis=1)
          for t in reversed(range(T)):
              dnext_h = dprev_h + total if t == T - 1 else dprev_h
              dx[:, t], dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(
                  dnext_h, dprev_c, cache[t])
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev_h, dWx, dWh, db
      """),
    E("lb9_hidden_carry_into_cell", "lstm", "lstm_backward",
      "The hidden-state carry is also added into the cell-state carry: each step is called with "
      "dnext_c = dprev_c + dprev_h (dnext_h is right).",
      [r"(hidden|dprev_h)[^.]{0,30}(carry|gradient)[^.]{0,40}(also )?(added|adds|fed|goes|leaks?) (in)?to (the )?(cell|dnext_c)",
       r"dprev_c ?\+ ?dprev_h", r"dprev_h ?\+ ?dprev_c",
       r"(cell(-| )state|cell) (carry|gradient)[^.]{0,40}(plus|\+|also gets|receives) (the )?(hidden|dprev_h)",
       r"(mix\w*|both) (the )?(two )?carries", r"only (the )?last (time )?step"],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])
          dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
          for t in reversed(range(T)):
              dx[:, t], dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(
                  dh[:, t] + dprev_h, dprev_c + dprev_h, cache[t])
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev_h, dWx, dWh, db
      """),
    E("lb9_cell_carry_accumulated", "lstm", "lstm_backward",
      "The cell-state carry is accumulated (dc_carry += the step's dprev_c) instead of replaced, "
      "so each step also receives the cell gradients that older carries already passed on.",
      [r"(accumulat|summ|add)\w*[^.]{0,40}(instead of|rather than|not) (replac|overwrit|assign)",
       r"(cell(-| )state|cell|dprev_c|dc) (carry|gradient)[^.]{0,40}(accumulat|summed|running sum|added up|\+=)",
       r"(older|earlier|all later|previous) (steps'?|carries)[^.]{0,40}(again|too|added|kept|still)",
       r"\+= ?dprev_c", r"running (sum|total)", r"(cell(-| )state|cell) (carry|gradient)[^.]{0,40}(not|never) (replaced|reset|overwritten)", r"(sum|total) of (all|every) (later|previous|older) (carries|cell gradients)"],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])
          dh_carry, dc_carry = np.zeros((N, H)), np.zeros((N, H))
          for t in reversed(range(T)):
              dx[:, t], dh_carry, dc_step, dWx_t, dWh_t, db_t = lstm_step_backward(
                  dh[:, t] + dh_carry, dc_carry, cache[t])
              dc_carry = dc_carry + dc_step
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dh_carry, dWx, dWh, db
      """),
    E("lb9_hidden_carry_doubled", "lstm", "lstm_backward",
      "A copy-paste adds the hidden-state carry twice, dh[:, t] + dprev_h + dprev_h, so what "
      "flows back along the hidden state is doubled at every step (the last step is right).",
      TWICE + DOUBLE + [r"(hidden|dprev_h)[^.]{0,30}(carry|gradient)[^.]{0,30}(twice|doubled|two times|2 times|again)",
                        r"2 ?\* ?dprev_h", r"(grows?|doubl\w*) (by )?(2|two)\w* (per|each|every) step",
                        r"2 ?\*\* ?\(?(T|k|steps)", r"only (the )?last (time )?step"],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])
          dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
          for t in reversed(range(T)):
              dx[:, t], dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(
                  dh[:, t] + dprev_h + dprev_h, dprev_c, cache[t])
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev_h, dWx, dWh, db
      """),
    E("hb9_outside_mean_over_outside", "lstm", "huber_backward",
      "The linear part is averaged over the entries outside [-delta, delta] only (divided by "
      "their count) instead of over all r.size entries: outside, the gradient is r.size / "
      "(number outside) times the right one; the inside is right.",
      [r"(outside|linear)[^.]{0,60}(divided|averag\w*|mean)[^.]{0,40}(outside|those|its own|their) (entries|count|number)",
       r"(number|count) of (the )?(entries|errors|values) outside",
       r"(outside|linear (part|region))[^.]{0,40}(r\.size|the number of (all )?entries)[^.]{0,30}(instead|not|wrong)",
       r"(outside|linear)[^.]{0,60}(times|factor) [^.]{0,20}(r\.size|size) ?/",
       r"inside (is )?(right|correct)[^.]{0,60}outside[^.]{0,40}(times|factor|too large|larger)", r"(right|correct) inside[^.]{0,40}(wrong|off|differs?) outside", r"(only|just) (the )?(entries )?outside[^.]{0,40}(wrong|off|differ)", r"(wrong|off|differs?) (only )?outside"],
      """
      def huber_backward(dloss, r, delta=1.0):
          inside = np.abs(r) <= delta
          n_out = max(int(np.sum(~inside)), 1)
          return dloss * np.where(inside, r / r.size, delta * np.sign(r) / n_out)
      """),
    E("hb9_clip_bounds_swapped", "lstm", "huber_backward",
      "np.clip's bounds are given the wrong way round, np.clip(r, delta, -delta), so every "
      "entry becomes -delta: the result is -dloss * delta / r.size everywhere.",
      CONSTANT + [r"bounds? (are )?(swapped|exchanged|reversed|in the wrong order)", r"-delta everywhere",
                  r"(every|all) (entr\w*|values?)[^.]{0,30}-delta", r"does not depend on r",
                  r"np\.clip\(r, ?delta, ?-delta\)"],
      """
      def huber_backward(dloss, r, delta=1.0):
          return dloss * np.clip(r, delta, -delta) / r.size
      """),
    E("hb9_inside_loss_value", "lstm", "huber_backward",
      "Inside |r| <= delta it returns the loss's value 0.5 * r**2 instead of its derivative r "
      "(r / 2 times the right one there, and always positive); the outside is right.",
      [r"(inside|quadratic)[^.]{0,60}(loss(?:'s)? value|the loss itself|0\.5 ?\* ?r ?\*\* ?2|r ?\*\* ?2 ?/ ?2|half (of )?r squared)",
       r"(loss|value) (instead of|rather than|not) (its|the) (derivative|gradient|slope)",
       r"r ?/ ?2 times", r"times r ?/ ?2", r"(sign of r|negative errors)[^.]{0,40}(lost|positive|wrong)", r"(right|correct) outside[^.]{0,40}(wrong|off|differs?) inside", r"(only|just) (the )?(entries )?inside[^.]{0,40}(wrong|off|differ)", r"(wrong|off|differs?) (only )?inside"],
      """
      def huber_backward(dloss, r, delta=1.0):
          inside = np.abs(r) <= delta
          dr = np.where(inside, 0.5 * r ** 2, delta * np.sign(r))
          return dloss * dr / r.size
      """),
]
