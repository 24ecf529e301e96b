"""A sixth held-out catalogue of wrong implementations (issue #27), written blind.

Written on 2026-12-07 (05:55-06:50 UTC) by helper blind6, which did not read the checks,
the explainer, the detectors, their tests, the docs about feedback wording, the grader's
messages or any grader output. It read only bench/catalogue_heldout2.py to
catalogue_heldout5.py (for the format and to avoid their slips), the docstring of
bench/feedback_catalogue.py, the graded functions' signatures, docstrings and worked
solution cells, and /work/shared/CURRICULUM.md. It was committed before any entry was run
through the grader (no feedback_catalogue run, no test cell, no pytest, no grading CLI).
Each entry was checked only against the worked solutions, with a throwaway script: it
runs, returns float64 outputs of the right shapes, and differs from the worked solution
by more than 3% somewhere, on three seeds.

    python bench/feedback_catalogue.py bench/catalogue_heldout6.py

Each entry is a whole wrong solution cell for one graded function, written the way a student
slips, and each is a slip that none of the earlier held-out catalogues has (a step scaled
by |x|, a gradient laid out in Fortran order, the winning input's value routed instead of
the gradient, exp(a) for exp(-a) in the sigmoid's derivative, the gradient itself passed
through a ReLU, eigenvectors taken for eigenvalues, an L1 norm for the L2 one, a softmax
normalised over the whole batch, log1p for log, the o and g gates unpacked in each other's
place, a hidden carry that arrives one step late, Huber's clip at delta/2, ...).
`accept` holds case-insensitive regular expressions; any one found in a failing message's
text about the answer counts as naming the mistake. They accept a correct description in
other words: the mistake's cause, or the exact relation between the wrong answer and the
right one ("|x| times the right one", "only the last time step is wrong", "the input and
forget gates' local gradients are swapped", "1/T of the right one"), naming the quantity
involved; never only a location or an output's name.
"""
from textwrap import dedent


def E(id, assignment, function, mistake, accept, source):
    return {"id": id, "assignment": assignment, "function": function,
            "mistake": mistake, "accept": list(accept),
            "source": dedent(source).strip() + "\n"}


# Shared wordings of a few mistake classes (a message may say them in any of these ways).
TWICE = [r"twice", r"two times", r"a second time", r"\bagain\b", r"counted (twice|two)",
         r"doubl\w* (count|applied)", r"applied (two|2) times"]
RESHAPE = [r"reshap", r"scrambl", r"rearrang", r"permut", r"shuffl",
           r"(entries|values) (are )?in (the |a )?(wrong|other|different) (order|place)",
           r"right (values|numbers) in (the )?wrong (places?|order)"]
SHIFT = [r"shift", r"off[- ]by[- ]one", r"(belongs?|meant) (to|for) (the )?(next|previous|neighbou?ring|adjacent) step",
         r"(next|following|later|neighbou?ring|adjacent|previous|earlier) step'?s? (upstream|dh|carry|gradient)",
         r"one step (early|late|earlier|later|off|too)", r"\broll", r"(delayed|lag)"]
NEGATED = [r"(-1|minus one|−1) times", r"negat(ed|ion|ive of)", r"opposite sign", r"sign (is )?(flipped|wrong|reversed)",
           r"wrong sign", r"flipped sign"]
HALF = [r"\bhalf\b", r"1\s*/\s*2\b", r"0\.5 times", r"two times too small", r"twice too small",
        r"factor (of )?(2|two)"]
DOUBLE = [r"\b2 times", r"two times", r"twice", r"doubl", r"factor (of )?(2|two)"]
ZEROS = [r"all zeros?", r"(is|are|stays?|left|returns?) (all )?zeros?", r"zero everywhere", r"never (filled|written|set)"]
CONSTANT = [r"constant", r"same (value|number) (everywhere|in every|for every|in each)", r"does not depend",
            r"independent of"]


CATALOGUE = [
    # ======================================================================== staged (9)
    E("st6_sigy_local_twice", "staged", "staged_backward",
      "The sigmoid(y) stage multiplies by its local gradient sigy(1 - sigy) twice, so dy's path "
      "through the numerator carries that factor squared; dx is right.",
      TWICE + [r"squared", r"square of", r"sig\w*\(?y\)?.{0,60}(local gradient|derivative).{0,40}(twice|again|squared|extra|too many)",
               r"extra factor.{0,40}(sig|1 - )", r"factor sig\w* ?\(?y\)? ?\(1 ?- ?sig", r"\(sig\w* ?\(1 ?- ?sig\w*\)\)\s*\*\*\s*2"],
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
          dsigy = sigy * (1.0 - sigy) * dnum
          dy += sigy * (1.0 - sigy) * dsigy
          return dx, dy
      """),
    E("st6_square_without_two", "staged", "staged_backward",
      "The square's local gradient is taken as xpy instead of 2 * xpy, so the path through "
      "(x + y)**2 is half the right one in both dx and dy.",
      HALF + [r"(missing|forgot\w*|without|lost|drop\w*) (a |the )?(factor (of )?)?(2|two)",
              r"2 ?\* ?\(?x ?\+ ?y\)?.{0,40}(instead|rather|where)", r"(x ?\+ ?y|xpy).{0,30}instead of 2",
              r"(derivative|local gradient) of (the )?square.{0,60}(2|two|half)",
              r"(path|term|contribution) through (the )?(square|\(x ?\+ ?y\)|x ?\+ ?y|denominator'?s? square).{0,60}(half|factor|missing|2)"],
      """
      def staged_backward(df, cache):
          x, y, sigy, num, sigx, xpy, xpysqr, den, invden = cache
          dnum = invden * df
          dinvden = num * df
          dden = (-1.0 / den ** 2) * dinvden
          dsigx = dden
          dxpysqr = dden
          dxpy = xpy * dxpysqr
          dx = dxpy + sigx * (1.0 - sigx) * dsigx + dnum
          dy = dxpy + sigy * (1.0 - sigy) * dnum
          return dx, dy
      """),
    E("ng6_step_scaled_by_x", "staged", "numerical_gradient",
      "The step is made relative to the entry (x[i] +- h * |x[i]|) but the difference is still "
      "divided by 2h, so each entry is |x[i]| times the right one.",
      [r"\|x\|", r"abs(olute)?\(?x", r"\|x\[i\]\|", r"(proportional|relative) (to|step)", r"scal\w* (by|with) (the )?(size|magnitude|value) of x",
       r"(size|magnitude|absolute value) of (the |each )?(entry|x)", r"step.{0,40}(depends|scaled|relative|proportional)",
       r"times (the )?(absolute|magnitude)"],
      """
      def numerical_gradient(f, x, h=1e-5):
          grad = np.zeros(x.shape, dtype=np.float64)
          for i in np.ndindex(x.shape):
              old = x[i]
              step = h * abs(old)
              x[i] = old + step
              f_plus = f(x)
              x[i] = old - step
              f_minus = f(x)
              x[i] = old
              grad[i] = (f_plus - f_minus) / (2 * h)
          return grad
      """),
    E("ng6_fortran_order", "staged", "numerical_gradient",
      "The entries are perturbed in flat C order (x.flat) but the results are written back with "
      "reshape(..., order='F'), so for a 2-D x the right values land in the wrong places.",
      RESHAPE + [r"transpos", r"fortran", r"column[- ]major", r"order='?F", r"(flat|flattened) (index|order)",
                 r"(wrong|other|different) (index|entry|position)"],
      """
      def numerical_gradient(f, x, h=1e-5):
          flat = np.zeros(x.size, dtype=np.float64)
          for k in range(x.size):
              old = x.flat[k]
              x.flat[k] = old + h
              f_plus = f(x)
              x.flat[k] = old - h
              f_minus = f(x)
              x.flat[k] = old
              flat[k] = (f_plus - f_minus) / (2 * h)
          return flat.reshape(x.shape, order="F")
      """),
    E("add6_ones_without_dout", "staged", "add_backward",
      "Returns the add gate's local gradient (ones) for both inputs, never multiplied by the "
      "upstream gradient dout.",
      CONSTANT + [r"\bones\b", r"all (equal to )?1", r"(every|each) (entry|value) (is )?1\b",
                  r"(never|not|without) (multipl|us)\w* (it |them )?(by |the )?(the )?upstream", r"upstream.{0,40}(ignored|missing|never|forgot|not used|dropped)",
                  r"local gradient (alone|only)", r"(ignor|forg|drop|miss)\w* (the )?(upstream|dout|incoming)"],
      """
      def add_backward(dout, x, y):
          dx = np.ones_like(dout)
          dy = np.ones_like(dout)
          return dx, dy
      """),
    E("mul6_dy_copy_of_dx", "staged", "mul_backward",
      "Copy-paste: dy is dout * y, the same as dx, instead of dout * x.",
      [r"dy.{0,60}(same|equal|copy|identical).{0,30}dx", r"dx.{0,60}(same|equal|copy|identical).{0,30}dy",
       r"(copy|paste)", r"(times|by|uses|with) y (instead|where|rather)", r"y where x belongs",
       r"(its|the) own (input|factor|value)", r"(not|instead of) (by |times )?(the )?other input",
       r"x'?s gradient.{0,30}(for|to|into) y", r"equal to dx"],
      """
      def mul_backward(dout, x, y):
          dx = dout * y
          dy = dout * y
          return dx, dy
      """),
    E("max6_routes_input_value", "staged", "max_backward",
      "Routes the winning input's value (x or y) instead of the upstream gradient dout.",
      [r"(input'?s?|its|the forward|winning) values?", r"(instead of|not|never) (the )?(upstream|dout|incoming)",
       r"(x|y) itself", r"forward (value|output|pass)", r"(ignor|forg|drop|miss)\w* (the )?(upstream|dout|incoming)",
       r"upstream.{0,40}(ignored|missing|never|forgot|not used|dropped)", r"out ?= ?max", r"equals? (x|y|max\(x, ?y\)) where"],
      """
      def max_backward(dout, x, y):
          x_wins = x > y
          dx = np.where(x_wins, x, 0.0)
          dy = np.where(x_wins, 0.0, y)
          return dx, dy
      """),
    E("sp6_du_times_y_for_dy", "staged", "softplus_circuit",
      "Copy-paste in the product u = x * y: dy's share from the softplus is du * y (x's factor) "
      "instead of du * x.",
      [r"(times|by|uses|with) y (instead|where|rather)", r"y where x belongs", r"(copy|paste)",
       r"(its|y'?s) own (input|factor|value)", r"(not|instead of) (by |times )?(the )?other (input|factor)",
       r"(path|term|contribution|share) through (the )?(softplus|log\(1 ?\+|exp|x ?\* ?y|product|u\b).{0,80}(y|wrong|factor|other)",
       r"multiply gate.{0,60}(switch|other|swap|own)", r"x ?\* ?y.{0,60}(switch|other input|own input)"],
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
          dnum = dg * inv
          dinv = dg * num
          dden = dinv * (-1.0 / den ** 2)
          dx = dden * 2.0 * x + dnum * t
          dt = dnum * x
          dy = dt * (1.0 - t ** 2)
          du = dg / (1.0 + e) * e
          dx = dx + du * y
          dy = dy + du * y
          return g, dx, dy
      """),
    E("sp6_tanh_derivative_at_y", "staged", "softplus_circuit",
      "The derivative of tanh(y) is written 1 - y**2 (evaluated at y) instead of 1 - tanh(y)**2.",
      [r"1 ?- ?y ?\*\* ?2", r"1 ?- ?y\^?2", r"(at|with|of) y (itself )?(instead|rather|where)", r"(instead of|not) (at |with |of )?tanh\(y\)",
       r"tanh'?s? (derivative|local gradient).{0,60}(y\b|input|wrong point|argument|before)",
       r"(derivative|local gradient) of tanh.{0,60}(wrong|input|y\b)", r"wrong point", r"tanh(\(y\))? (was )?(not|never) applied"],
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
          dnum = dg * inv
          dinv = dg * num
          dden = dinv * (-1.0 / den ** 2)
          dx = dden * 2.0 * x + dnum * t
          dt = dnum * x
          dy = dt * (1.0 - y ** 2)
          du = dg / (1.0 + e) * e
          dx = dx + du * y
          dy = dy + du * x
          return g, dx, dy
      """),
    # ======================================================================== sigmoid (7)
    E("sg6_exp_sign", "sigmoid", "sigmoid_layer_backward",
      "The sigmoid's derivative is written from the pre-activation as exp(a) / (1 + exp(-a))**2, "
      "with exp(a) where exp(-a) belongs, so the local gradient is exp(2a) times the right one "
      "(too large where z > 1/2, too small where z < 1/2).",
      [r"exp\(a\)", r"exp\(-a\)", r"e\^?\*?\*?\(?2 ?a", r"exp\(2 ?a\)", r"sign (of|in) the exponent",
       r"(sign|minus).{0,40}(exp|exponent)", r"exponent.{0,40}(sign|minus)",
       r"(local gradient|derivative).{0,60}(e\^|exp|wrong formula|not z ?\(1 ?- ?z\))",
       r"z ?/ ?\(1 ?- ?z\)", r"(too large|larger) (where|for) (z|the output) (is )?(near|close to) 1"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          a = W @ x
          local = np.exp(a) / (1.0 + np.exp(-a)) ** 2
          da = dz * local
          dx = W.T @ da
          dW = np.outer(da, x)
          return dx, dW
      """),
    E("sg6_dW_last_column", "sigmoid", "sigmoid_layer_backward",
      "dW is filled column by column over the inputs with range(D - 1), so its last column "
      "(the last input's weights) stays zero; dx is right.",
      ZEROS + [r"last (column|input)", r"(column|input) D ?- ?1", r"range\(D ?- ?1\)", r"loop (bound|stops|ends)",
               r"one (column|input) (short|too few|missing)", r"(except|but) (for )?the last"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          H, D = W.shape
          da = dz * z * (1.0 - z)
          dx = W.T @ da
          dW = np.zeros((H, D))
          for j in range(D - 1):
              dW[:, j] = da * x[j]
          return dx, dW
      """),
    E("sg6_local_on_input_side", "sigmoid", "sigmoid_layer_backward",
      "dx applies a sigmoid-style local gradient x(1 - x) on the input side, (W.T @ dz) * x(1 - x), "
      "instead of z(1 - z) on the units before W.T; dW is right.",
      [r"x ?\(1 ?- ?x\)", r"x ?\* ?\(1 ?- ?x\)", r"(input|x)'?s? side", r"(on|at|of|to) (the )?inputs? (x )?(instead|rather)",
       r"(instead of|not) z ?\(1 ?- ?z\)", r"(wrong|other) side of (the )?(weights|W)",
       r"local gradient.{0,60}(input|x\b|wrong (place|side|point|variable))", r"sigmoid.{0,40}(input|x\b).{0,20}(instead|where)",
       r"after (multiplying by|the) W"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          da = dz * z * (1.0 - z)
          dW = np.outer(da, x)
          dx = (W.T @ dz) * x * (1.0 - x)
          return dx, dW
      """),
    E("sg6_name_reuse_x", "sigmoid", "sigmoid_layer_backward",
      "The name x is reused for the gradient dx (x = W.T @ da) before dW is built, so dW is "
      "np.outer(da, dx) instead of np.outer(da, x).",
      [r"outer\(da, ?dx\)", r"(uses|with|from|times|by) dx (instead|where|rather)", r"dx where (the input )?x belongs",
       r"(input|x) (is |was )?(overwritten|replaced|reused|shadowed)", r"(overwr|shadow|reus)\w* (the )?(name|variable|input)",
       r"gradient (dx )?(used )?(in place of|instead of|where) the input", r"not the input x",
       r"(times|by|with) the (input'?s? )?gradient"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          da = dz * z * (1.0 - z)
          x = W.T @ da
          dW = np.outer(da, x)
          return x, dW
      """),
    E("sg6_precedence_minus_z", "sigmoid", "sigmoid_layer_backward",
      "Operator precedence: da = dz * z * 1.0 - z reads as dz * z - z instead of dz * z * (1 - z), "
      "so both dx and dW are wrong.",
      [r"precedence", r"parenthes", r"bracket", r"dz ?\* ?z ?- ?z", r"(minus|subtract\w*) z\b",
       r"1 ?- ?z.{0,40}(not|never) (a )?(factor|multipl)", r"(1 ?- ?z|\(1 - z\)).{0,40}(subtracted|added) (instead|rather)",
       r"(subtracted|added) (instead|rather) (of|than) multipl", r"(- ?z|minus z) (extra|term)",
       r"extra term.{0,40}z"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          da = dz * z * 1.0 - z
          dx = W.T @ da
          dW = np.outer(da, x)
          return dx, dW
      """),
    E("sat6_tanh", "sigmoid", "saturated_fraction",
      "Uses tanh and its derivative 1 - tanh**2 in place of the sigmoid and z(1 - z).",
      [r"tanh", r"1 ?- ?z ?\*\* ?2", r"(wrong|other|another) (nonlinearity|activation|function)",
       r"(not|instead of) (the )?sigmoid", r"sigmoid.{0,30}(replaced|instead)"],
      """
      def saturated_fraction(W, X, tol=1e-3):
          Z = np.tanh(X @ W.T)
          local = 1.0 - Z ** 2
          return float(np.mean(local < tol))
      """),
    E("sat6_majority_units", "sigmoid", "saturated_fraction",
      "Returns the fraction of units saturated on more than half of the examples instead of the "
      "fraction of (example, unit) pairs.",
      [r"(more than )?half (of )?the examples", r"majority", r"(fraction|share|number) of units",
       r"per unit", r"(instead of|not) (the )?(fraction|share) of (the )?(pairs|N ?\* ?H)",
       r"(each|every) unit (is )?(counted|classified) (as a whole|once)", r"(counts|counted) units",
       r"threshold.{0,30}(0\.5|half)"],
      """
      def saturated_fraction(W, X, tol=1e-3):
          Z = sigmoid(X @ W.T)
          local = Z * (1.0 - Z)
          per_unit = np.mean(local < tol, axis=0)
          return float(np.mean(per_unit > 0.5))
      """),
    # ======================================================================== relu (7)
    E("re6_relu_on_gradient", "relu", "relu_backward",
      "The ReLU is applied to the gradient as well: np.maximum(dout, 0) * (a > 0), so where a > 0 "
      "and dout < 0 the result is 0 instead of dout.",
      [r"(negative|below zero) (upstream |incoming )?(gradient|dout|values of dout)", r"maximum\(dout",
       r"(relu|max(imum)?|clip\w*) (applied |taken )?(to|of|on) (the )?(upstream |incoming )?(gradient|dout)",
       r"dout < 0", r"(sign|negative part) of (the )?(upstream|dout|gradient)", r"(only|just) (the )?positive (part|values|entries) of (the )?(upstream|dout|gradient)",
       r"(zero|0) where (the )?(upstream|dout|gradient) is negative", r"gradient.{0,30}(clipped|rectified)"],
      """
      def relu_backward(dout, cache):
          a = cache
          da = np.maximum(dout, 0.0) * (a > 0)
          return da
      """),
    E("re6_leaky_habit", "relu", "relu_backward",
      "A leaky-ReLU habit: the negative side gets 0.01 * dout instead of 0.",
      [r"0\.01", r"leak", r"(small|nonzero|non-zero) (slope|gradient|fraction).{0,40}(negative|a ?<=? ?0|blocked)",
       r"(negative|blocked|a ?<=? ?0) (side|entries|part).{0,60}(not zero|nonzero|non-zero|should be (0|zero)|1/100|1 ?%)",
       r"1 ?% of (the )?(upstream|dout|gradient)", r"(1/100|one hundredth)"],
      """
      def relu_backward(dout, cache):
          a = cache
          da = np.where(a > 0, dout, 0.01 * dout)
          return da
      """),
    E("lk6_dout_squared", "relu", "leaky_relu_backward",
      "The local gradient is built as np.where(a > 0, dout, slope) (dout where 1 belongs) and then "
      "multiplied by dout, so the positive side gets dout**2; the negative side is right.",
      [r"dout ?\*\* ?2", r"squared?", r"square of", r"dout ?\* ?dout", r"dout (is )?(multiplied|applied|used) twice",
       r"(times|multiplied by) (dout|the upstream( gradient)?) (again|a second time|twice)",
       r"positive (side|part|entries).{0,60}(square|dout ?\* ?dout|times itself|twice)"] + TWICE,
      """
      def leaky_relu_backward(dout, cache):
          a, slope = cache
          local = np.where(a > 0, dout, slope)
          da = local * dout
          return da
      """),
    E("pr6_min_of_product", "relu", "prelu_backward",
      "dalpha sums np.minimum(a * dout, 0) over the batch (the minimum of the product), instead of "
      "np.minimum(a, 0) * dout: it keeps every negative product, also where a > 0, and drops the "
      "positive ones where a <= 0.",
      [r"minimum of (the )?product", r"min(imum)?\(a ?\* ?dout", r"(sign|negative) of (the )?product",
       r"(selects?|chooses?|masks?|picks?) .{0,40}(by|on|from) (the sign of )?(the product|a ?\* ?dout|dout)",
       r"(where|when) (the )?(product|a ?\* ?dout) (is )?(negative|<)", r"mask (from|on|of) (the )?(product|dout|wrong)",
       r"(includes?|counts?|also).{0,40}(entries )?where a ?> ?0", r"(positive|a ?> ?0) (side|entries).{0,60}(included|counted|added|contribut)"],
      """
      def prelu_backward(dout, cache):
          a, alpha = cache
          negative = a <= 0
          da = np.where(negative, alpha * dout, dout)
          dalpha = np.sum(np.minimum(a * dout, 0.0), axis=0)
          return da, dalpha
      """),
    E("pr6_mean_over_negatives", "relu", "prelu_backward",
      "dalpha averages dout * a over each unit's negative entries (divides by their count) "
      "instead of summing them.",
      [r"averag", r"\bmean\b", r"divid\w* by (the )?(number|count)", r"not (a )?sum", r"instead of (the )?sum",
       r"1 ?/ ?(the )?(number|count) of (negative|non-positive)", r"(number|count) of (negative|non-positive|a ?<=? ?0)"],
      """
      def prelu_backward(dout, cache):
          a, alpha = cache
          negative = a <= 0
          da = np.where(negative, alpha * dout, dout)
          counts = np.maximum(negative.sum(axis=0), 1)
          dalpha = np.sum(np.where(negative, a * dout, 0.0), axis=0) / counts
          return da, dalpha
      """),
    E("dd6_first_example", "relu", "dead_neuron_fraction",
      "Calls a unit dead when its pre-activation is <= 0 on the first example alone, instead of on "
      "every example.",
      [r"first (example|row)", r"(one|a single) example", r"(only|just) (the )?(example|row) 0", r"X\[0\]", r"pre\[0\]",
       r"(not|instead of) (on |over )?(every|all) (the )?examples", r"(every|all) examples"],
      """
      def dead_neuron_fraction(W, b, X):
          pre = X @ W.T + b
          dead = pre[0] <= 0
          return float(np.mean(dead))
      """),
    E("dd6_divided_by_D", "relu", "dead_neuron_fraction",
      "Divides the number of dead units by D (W.shape[1], the inputs) instead of H (the units).",
      [r"\bD\b (instead|where|rather)", r"(by|over) D\b", r"shape\[1\]", r"(number of )?inputs? (instead|rather|where)", r"H ?/ ?D", r"(by|over) (the )?(number of )?(inputs|features)",
       r"(not|instead of) (by |over )?(the )?(number of )?units", r"wrong (count|denominator|divisor)"],
      """
      def dead_neuron_fraction(W, b, X):
          pre = X @ W.T + b
          dead = np.all(pre <= 0, axis=0)
          return float(np.sum(dead) / W.shape[1])
      """),
    # ======================================================================== rnn (11)
    E("rs6_times_two_typo", "rnn", "rnn_step_backward",
      "A typo in the tanh's local gradient: 1 - next_h * 2 instead of 1 - next_h ** 2.",
      [r"next_h ?\* ?2", r"\* ?2 (instead|for|where|rather).{0,20}\*\* ?2", r"(typo|multipl\w* by 2|times 2|2 ?\* ?next_h)",
       r"1 ?- ?2 ?\*? ?(next_)?h", r"(not|instead of) (the )?square", r"(double|twice) (the )?(state|next_h|output)",
       r"(tanh'?s? )?(local gradient|derivative).{0,60}(wrong formula|not 1 ?- ?h|linear in)",
       r"linear (in|instead)"],
      """
      def rnn_step_backward(dnext_h, cache):
          x, prev_h, Wx, Wh, next_h = cache
          da = dnext_h * (1.0 - next_h * 2)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dWx, dWh, db
      """),
    E("rs6_dprev_h_extra_tanh", "rnn", "rnn_step_backward",
      "dprev_h is also multiplied by 1 - prev_h**2, the previous step's tanh derivative, which "
      "belongs to that step's own backward pass; the other outputs are right.",
      TWICE + [r"1 ?- ?prev_h ?\*\* ?2", r"prev_h.{0,40}(derivative|local gradient|tanh)", r"(previous|earlier) step'?s? (tanh|derivative|local gradient|nonlinearity)",
               r"(extra|additional|spurious) (factor|tanh|derivative|local gradient)", r"(tanh|local gradient|derivative).{0,40}(one step too (early|far)|too early|applied to prev_h)"],
      """
      def rnn_step_backward(dnext_h, cache):
          x, prev_h, Wx, Wh, next_h = cache
          da = dnext_h * (1.0 - next_h ** 2)
          dx = da @ Wx.T
          dprev_h = (da @ Wh.T) * (1.0 - prev_h ** 2)
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dWx, dWh, db
      """),
    E("rb6_carry_through_Wh_again", "rnn", "rnn_backward",
      "The carried gradient is sent back through Wh's transpose a second time after each step "
      "(dprev = dprev_t @ Wh.T), although rnn_step_backward's dprev_h already went through it.",
      TWICE + [r"extra (factor|multiplication|matrix|product).{0,40}(Wh|recurrent|weight)", r"Wh\.?T? (applied|multiplied) (twice|again|two)",
               r"(through|by) (the )?(recurrent )?(weights?|Wh'?s?( transpose)?|matrix) (twice|again|a second time|one extra time|once too often)",
               r"(carry|carried|dprev|hidden) gradient.{0,80}(extra|twice|again|second time|once too (many|often))",
               r"(one|an) (extra|additional) (step|multiplication|transpose)"],
      """
      def rnn_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, Wx, Wh, _ = cache[0]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(H)
          dprev = np.zeros((N, H))
          for t in reversed(range(T)):
              dx_t, dprev_t, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t, :] + dprev, cache[t])
              dprev = dprev_t @ Wh.T
              dx[:, t, :] = dx_t
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev, dWx, dWh, db
      """),
    E("rb6_dh0_plus_dh_first", "rnn", "rnn_backward",
      "dh0 adds the first step's upstream gradient dh[:, 0] onto what step 0 sends back, as if h0 "
      "were the first hidden state h[:, 0]; the other outputs are right.",
      [r"dh\[:, ?0\]", r"(first|step 0'?s?|step zero'?s?) (upstream|hidden state'?s?|dh)", r"(plus|adds?|added|extra) .{0,40}(dh|upstream)",
       r"h0 (is |was )?(taken|treated|confused) (as|with) (the )?(first|h\[:, ?0\])", r"(h0|initial state).{0,40}(first (hidden )?state|h\[:, ?0\])",
       r"(counted|added) (twice|again)", r"extra term"],
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
          dh0 = dprev + dh[:, 0, :]
          return dx, dh0, dWx, dWh, db
      """),
    E("rr6_mask_ge_zero", "rnn", "relu_rnn_backward",
      "The ReLU mask is hs[t] >= 0, which holds everywhere (a ReLU's output is never negative), so "
      "no gradient is ever blocked.",
      [r">= ?0", r"never (blocked|masked|zero)", r"(mask|relu).{0,60}(never|not) (block|appl|mask)\w*",
       r"(no|without (the|a|any)) (relu )?mask", r"(relu|mask) (is )?(missing|ignored|skipped|forgotten)",
       r"(inactive|off|zero|dead) units?.{0,60}(pass|let through|receive|get)", r"(greater than or equal|non-?negative)",
       r"(outputs? (of|from) (the|a) relu|hs\[t\]) (is|are) never negative", r"exactly (0|zero)"],
      """
      def relu_rnn_backward(dhs, cache):
          Whh, h0, hs = cache
          T, H = hs.shape
          dWhh = np.zeros_like(Whh)
          carry = np.zeros(H)
          for t in reversed(range(T)):
              delta = (dhs[t] + carry) * (hs[t] >= 0)
              h_prev = hs[t - 1] if t > 0 else h0
              dWhh += np.outer(delta, h_prev)
              carry = Whh.T @ delta
          return dWhh, carry
      """),
    E("rr6_step1_uses_h0", "rnn", "relu_rnn_backward",
      "The previous state is chosen with t > 1 instead of t > 0, so step 1 pairs its delta with h0 "
      "instead of hs[0] in dWhh; dh0 is right.",
      SHIFT + [r"step 1", r"t ?> ?1", r"h0 (instead|where|rather)", r"(instead of|not) hs\[0\]", r"hs\[0\]",
               r"(wrong|other) (previous|earlier) state", r"initial state.{0,40}(step 1|second step|too (late|often))",
               r"(second|one) step.{0,40}(h0|initial)"],
      """
      def relu_rnn_backward(dhs, cache):
          Whh, h0, hs = cache
          T, H = hs.shape
          dWhh = np.zeros_like(Whh)
          carry = np.zeros(H)
          for t in reversed(range(T)):
              delta = (dhs[t] + carry) * (hs[t] > 0)
              h_prev = hs[t - 1] if t > 1 else h0
              dWhh += np.outer(delta, h_prev)
              carry = Whh.T @ delta
          return dWhh, carry
      """),
    E("sr6_eigenvectors", "rnn", "spectral_radius",
      "Takes np.linalg.eig(W)[1], the eigenvectors, instead of [0], the eigenvalues: returns the "
      "largest absolute entry of the eigenvector matrix.",
      [r"eigenvectors?", r"eig\(W\)\[1\]", r"\[1\] instead of \[0\]", r"(second|wrong) (output|return value|element) of (np\.linalg\.)?eig",
       r"(not|instead of) (the )?eigenvalues", r"(at most|<=|never (above|more than)) 1", r"unit (norm|length)"],
      """
      def spectral_radius(W):
          return float(np.max(np.abs(np.linalg.eig(W)[1])))
      """),
    E("cn6_l1_norm", "rnn", "clip_grad_norm",
      "total_norm is the sum of the absolute values of all entries (an L1 norm) instead of the "
      "square root of the sum of their squares.",
      [r"\bL1\b", r"l1[- ]norm", r"sum of (the )?absolute", r"absolute values", r"(not|instead of) (the )?(l2|euclidean|square root of the sum)",
       r"abs\(", r"(manhattan|taxicab)", r"norm.{0,40}(too large|wrong kind|wrong norm)"],
      """
      def clip_grad_norm(grads, max_norm):
          total_norm = float(sum(np.sum(np.abs(g)) for g in grads.values()))
          scale = max_norm / total_norm if total_norm > max_norm else 1.0
          clipped = {name: g * scale for name, g in grads.items()}
          return clipped, total_norm
      """),
    E("cn6_partial_norm_in_loop", "rnn", "clip_grad_norm",
      "The scale is computed inside the loop that accumulates the squares, so each array is scaled "
      "with the norm of the arrays seen so far (only the last one uses the global norm).",
      [r"(partial|running|incomplete|cumulative) (norm|sum)", r"(arrays|gradients) seen so far", r"so far",
       r"(only|just) the last (array|gradient|key)", r"(before|without) (all|every|the other) (arrays|gradients)",
       r"inside the loop", r"(different|its own) scale (for|per) (each )?(array|gradient)",
       r"(not|never) (the )?(same|one|single|common|global) (scale|factor|norm)", r"(first|earlier) arrays?.{0,40}(less|not|under|too little|too much)"],
      """
      def clip_grad_norm(grads, max_norm):
          clipped = {}
          squares = 0.0
          for name, g in grads.items():
              squares += np.sum(g ** 2)
              total_norm = float(np.sqrt(squares))
              scale = max_norm / total_norm if total_norm > max_norm else 1.0
              clipped[name] = g * scale
          return clipped, total_norm
      """),
    E("cv6_lower_bound_sign", "rnn", "clip_grad_value",
      "The lower bound is written +clip_value instead of -clip_value (np.maximum(np.minimum(g, c), c)), "
      "so every entry becomes clip_value.",
      CONSTANT + [r"lower (bound|limit|end).{0,40}(sign|\+|positive|minus|wrong)", r"(missing|forgot\w*|lost|without) (a |the )?minus",
                  r"(every|each|all) (entry|entries|values?) (is |are |becomes? )?(equal to )?(\+ ?)?clip_value",
                  r"sign of the lower", r"-clip_value", r"\[clip_value, ?clip_value\]"],
      """
      def clip_grad_value(grads, clip_value):
          return {name: np.maximum(np.minimum(g, clip_value), clip_value)
                  for name, g in grads.items()}
      """),
    E("cv6_abs_loses_sign", "rnn", "clip_grad_value",
      "Clips the absolute values, np.minimum(np.abs(g), clip_value), so every negative entry loses "
      "its sign.",
      NEGATED + [r"\babs", r"absolute", r"(sign|signs) (is |are )?(lost|dropped|missing|forgotten)",
                 r"(loses?|lost|drops?|dropped|forg\w*) (its |their |the )?signs?", r"negative (entries|values).{0,60}(positive|sign|flipped|\|)",
                 r"(magnitude|\|g\|)"],
      """
      def clip_grad_value(grads, clip_value):
          return {name: np.minimum(np.abs(g), clip_value) for name, g in grads.items()}
      """),
    # ======================================================================== softmax (16)
    E("af6_pinv", "softmax", "affine_backward",
      "dx uses the pseudo-inverse of W (dout @ pinv(W)), as if the backward pass inverted the "
      "layer, instead of W's transpose.",
      [r"p(seudo)?-?inv", r"invers", r"invert", r"(not|instead of) (the |W'?s )?transpos",
       r"W\.T (instead|where|rather)", r"(undo|undoes|reverse)\w* the (layer|forward|affine)"],
      """
      def affine_backward(dout, cache):
          x, W, b = cache
          dx = dout @ np.linalg.pinv(W)
          dW = x.T @ dout
          db = dout.sum(axis=0)
          return dx, dW, db
      """),
    E("af6_db_starts_from_b", "softmax", "affine_backward",
      "db is started from a copy of b (used as a shape template) and dout's column sums are added "
      "to it: db is the right one plus b.",
      [r"plus b\b", r"\+ ?b\b", r"(adds?|added|includes?|contains?) (the )?(bias|b)\b", r"(bias|b)('?s values?)? (itself|added)",
       r"(starts?|started|initiali[sz]ed) (from|with|as|at) (a copy of )?(the )?(bias|b\b)", r"(not|instead of) (from )?zeros?",
       r"off by (the )?(bias|b\b)", r"(differs?|off) by (exactly )?(the )?(bias|b\b)"],
      """
      def affine_backward(dout, cache):
          x, W, b = cache
          dx = dout @ W.T
          dW = x.T @ dout
          db = b.copy()
          for n in range(dout.shape[0]):
              db += dout[n]
          return dx, dW, db
      """),
    E("af6_relu_mask_in_dx", "softmax", "affine_backward",
      "dx is multiplied by the mask x > 0, a ReLU's backward applied inside the affine layer "
      "(the layer has no ReLU).",
      [r"x ?> ?0", r"relu", r"mask", r"(zero|0) where (the input )?x (is )?(negative|<=? ?0)", r"negative (inputs|entries of x)",
       r"(sign|positive part) of (the input )?x", r"(no|not a) (nonlinearity|activation)"],
      """
      def affine_backward(dout, cache):
          x, W, b = cache
          dx = (dout @ W.T) * (x > 0)
          dW = x.T @ dout
          db = dout.sum(axis=0)
          return dx, dW, db
      """),
    E("af6_dx_over_M", "softmax", "affine_backward",
      "dx is divided by M, the number of outputs (a mean over the outputs each input feeds "
      "instead of a sum); dW and db are right.",
      [r"\b1 ?/ ?M\b", r"divid\w* by (the )?(M|number of (outputs|columns|units))", r"\bM\b (times )?(too small|smaller)",
       r"(mean|average)\w* (over|across) (the )?(outputs|columns|units)", r"(not|instead of) (a )?sum(med)? (over|across) (the )?(outputs|columns)",
       r"shape\[1\]", r"(outputs|columns) (count|number)"],
      """
      def affine_backward(dout, cache):
          x, W, b = cache
          M = W.shape[1]
          dx = dout @ W.T / M
          dW = x.T @ dout
          db = dout.sum(axis=0)
          return dx, dW, db
      """),
    E("sc6_softmax_whole_batch", "softmax", "softmax_cross_entropy_backward",
      "dlogits recomputes the probabilities normalised over the whole batch (one sum over every "
      "entry, no axis) instead of over each row; dlabels is right.",
      [r"whole (batch|array|matrix)", r"(every|all) entr(y|ies)", r"(no|without an?|missing) axis", r"axis ?= ?None",
       r"(not|instead of) (per|each|over each) row", r"(normali[sz]\w*|sum\w*) over (the )?(batch|all|everything)",
       r"(rows?|probabilities) (do not|don't) sum to 1", r"(single|one) (normali[sz]\w*|sum|denominator)"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          e = np.exp(logits - logits.max())
          p = e / e.sum()
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (p * row_sums - labels) / N
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("sc6_sigmoid_probs", "softmax", "softmax_cross_entropy_backward",
      "dlogits uses sigmoid(logits), one independent probability per class, where the softmax's "
      "probabilities belong; dlabels is right.",
      [r"sigmoid", r"logistic", r"(not|instead of) (the )?softmax", r"(independent|per[- ]class|elementwise) (probabilit|sigmoid)",
       r"1 ?/ ?\(1 ?\+ ?(np\.)?exp", r"(do not|don't) sum to 1", r"(wrong|other) (probabilities|normali[sz]ation)"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          p = 1.0 / (1.0 + np.exp(-logits))
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (p * row_sums - labels) / N
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("sc6_unnormalised_exp", "softmax", "softmax_cross_entropy_backward",
      "dlogits recomputes the probabilities as exp(logits - row max) and forgets to divide by their "
      "row sum; dlabels is right.",
      [r"(not|never|without|forg\w*|missing) (be(ing)? )?(normali[sz]|divid)\w*", r"unnormali[sz]ed", r"(row )?sum of (the )?exp",
       r"(do not|don't) sum to 1", r"(denominator|partition|normali[sz]ation|normali[sz]ing (constant|sum))\w* (is )?(missing|forgotten|dropped)",
       r"(each|every) row.{0,40}(times|scaled|multiplied).{0,40}(sum|constant)", r"exp\(logits"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          p = np.exp(logits - logits.max(axis=1, keepdims=True))
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (p * row_sums - labels) / N
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("sc6_labels_previous_row", "softmax", "softmax_cross_entropy_backward",
      "In a loop over the rows the labels' term is read as labels[n - 1] (an index typo): each row "
      "subtracts the previous example's labels, row 0 the last one's; dlabels is right.",
      [r"labels\[n ?- ?1\]", r"n ?- ?1", r"(previous|other|neighbou?ring|wrong) (row|example)'?s? (labels?|term)",
       r"labels.{0,40}(shifted|rolled|off by one|from the (previous|wrong|other) (row|example))",
       r"(rows?|examples?).{0,30}(shifted|mixed|swapped|off by one)", r"off[- ]by[- ]one", r"\broll"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          dlogits = np.zeros_like(probs)
          for n in range(N):
              dlogits[n] = dloss * (probs[n] * labels[n].sum() - labels[n - 1]) / N
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("sc6_dlabels_max_shift", "softmax", "softmax_cross_entropy_backward",
      "dlabels uses logits - row max as the log-probabilities (the max shift kept, the "
      "log-sum-exp forgotten): each row is off by a constant; dlogits is right.",
      [r"log[- ]?sum[- ]?exp", r"logsumexp", r"(row|per[- ]row) (constant|offset|shift)", r"constant (per|in each|for each|on each) row",
       r"(each|every) row.{0,40}(off|shifted|differs?) by (a|one) (constant|number|value)", r"\bmax\b.{0,40}(instead|where|rather|not)",
       r"(not|never|without) (the )?(log[- ])?normali[sz]", r"logits? (used )?(as|for) (the )?log[- ]?probab"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (probs * row_sums - labels) / N
          log_probs = logits - logits.max(axis=1, keepdims=True)
          dlabels = -dloss * log_probs / N
          return dlogits, dlabels
      """),
    E("sc6_dlabels_times_row_sums", "softmax", "softmax_cross_entropy_backward",
      "dlabels is multiplied by each row's label sum (copied from the dlogits line): each row of "
      "dlabels is row_sum times the right one.",
      [r"(times|multiplied by|scaled by|factor) (the |each |its )?(row'?s? )?(label )?(row[_ ]sums?|sum of (the )?labels|label (sum|mass|total))", r"(extra|spurious) (factor|row sum)", r"sum of (the |its |each row'?s )?labels",
       r"(each|every) row.{0,60}(times|scaled|multiplied).{0,40}(sum|labels|constant|factor)", r"(per|each|one) row'?s? (factor|scale|constant)",
       r"(copied|copy|paste)"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (probs * row_sums - labels) / N
          dlabels = -dloss * np.log(probs) * row_sums / N
          return dlogits, dlabels
      """),
    E("sc6_dlabels_row_total", "softmax", "softmax_cross_entropy_backward",
      "dlabels sums -log p over each row's classes and gives every class of the row that total, "
      "instead of each entry its own -log p / N.",
      [r"(same|one|equal|single) (value|number) (across|along|in|for|over) (each|every|the|a|its) row",
       r"(summed|sum|total) over (the )?(classes|columns|row|axis ?1)", r"(row|per[- ]row) (sum|total)",
       r"(constant|equal|identical) (across|along|within|in) (each|every|the|a) row", r"(not|instead of) (per|each) (entry|class)",
       r"broadcast", r"keepdims"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (probs * row_sums - labels) / N
          dlabels = -dloss * np.log(probs).sum(axis=1, keepdims=True) / N * np.ones_like(probs)
          return dlogits, dlabels
      """),
    E("sc6_dlabels_log1p", "softmax", "softmax_cross_entropy_backward",
      "dlabels uses np.log1p(probs), that is log(1 + p), where log(p) belongs.",
      [r"log1p", r"log ?\(1 ?\+ ?p", r"1 ?\+ ?p(robs)?\b", r"(wrong|other|another) (log|logarithm)",
       r"(not|instead of) (the )?log(arithm)? of (the )?p", r"(plus|\+) ?1 (inside|in) the log"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (probs * row_sums - labels) / N
          dlabels = -dloss * np.log1p(probs) / N
          return dlogits, dlabels
      """),
    E("sc6_dlabels_binary_ce", "softmax", "softmax_cross_entropy_backward",
      "dlabels is differentiated as a binary cross-entropy per class, -(log p - log(1 - p)) / N, "
      "with an extra log(1 - p) term.",
      [r"log ?\(1 ?- ?p", r"1 ?- ?p(robs)?\b", r"binary", r"(sigmoid|logistic|bernoulli) (cross[- ]entropy|loss)",
       r"extra (term|log)", r"(odds|logit of p)", r"(plus|\+) ?log"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (probs * row_sums - labels) / N
          dlabels = -dloss * (np.log(probs) - np.log(1.0 - probs)) / N
          return dlogits, dlabels
      """),
    E("ml6_dloss_times_N", "softmax", "mlp_backward",
      "Calls the loss's backward with dloss * N (undoing a mean that was never there): every "
      "gradient is N times the right one.",
      [r"\bN times", r"times N\b", r"\* ?N\b", r"(factor|multiple) (of )?N\b", r"batch size (times|too (large|big))",
       r"N (too large|too big)", r"(not|never) divided by N", r"(sum|summed) (instead of|not) (the |a )?mean",
       r"(mean|1 ?/ ?N).{0,40}(undone|cancel|missing|lost|removed)"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          N = relu_cache.shape[0]
          dlogits, _ = softmax_cross_entropy_backward(dloss * N, loss_cache)
          dh, dW2, db2 = affine_backward(dlogits, aff2_cache)
          da = dh * (relu_cache > 0)
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("ml6_dlogits_over_row_sums", "softmax", "mlp_backward",
      "After the loss's backward, dlogits is divided by each row's label sum (as if to normalise "
      "soft labels again), so every example's contribution is 1/row_sum of the right one.",
      [r"(divid\w*|normali[sz]\w*) by (the |each |its )?(row'?s? )?(label )?(row[_ ]sums?|sum of (the )?labels|label (sum|mass|total))",
       r"1 ?/ ?(the )?(row[_ ]sum|label sum|sum of (the )?labels)", r"(each|every) (row|example).{0,60}(scaled|divided|weighted).{0,40}(label|sum|constant)",
       r"(label|labels'?) (sum|mass|total).{0,40}(divid|normali)", r"normali[sz]\w* (the )?(soft )?labels",
       r"(per|each|one) (row|example)'?s? (factor|scale|weight)"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          logits, labels, probs = loss_cache
          dlogits, _ = softmax_cross_entropy_backward(dloss, loss_cache)
          dlogits = dlogits / labels.sum(axis=1, keepdims=True)
          dh, dW2, db2 = affine_backward(dlogits, aff2_cache)
          da = dh * (relu_cache > 0)
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("ml6_softplus_derivative", "softmax", "mlp_backward",
      "The ReLU's backward uses a smooth derivative, sigmoid(pre-activation) (the softplus's), "
      "instead of the 0/1 indicator.",
      [r"sigmoid", r"softplus", r"smooth", r"(not|instead of) (the |a )?(0/1|0 or 1|indicator|step|mask)",
       r"(between|in) \(?0,? (and )?1\)?", r"(fraction|partial|part) of the (hidden )?gradient", r"(inactive|negative) units.{0,40}(some|small|nonzero|non-zero)"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          dlogits, _ = softmax_cross_entropy_backward(dloss, loss_cache)
          dh, dW2, db2 = affine_backward(dlogits, aff2_cache)
          da = dh / (1.0 + np.exp(-relu_cache))
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    # ======================================================================== lstm (17)
    E("ls6_o_local_missing_o", "lstm", "lstm_step_backward",
      "The output gate's local gradient o(1 - o) is written (1 - o), dropping the factor o: the "
      "output gate's block of da (and so its columns of dWx, dWh, db) is 1/o times the right one.",
      [r"output gate.{0,80}(local gradient|derivative|sigmoid|block|factor|1 ?/ ?o|wrong)",
       r"\bo\b ?block", r"(block|columns?) (of|for) (the )?(output gate|o\b)", r"1 ?/ ?o\b", r"\(1 ?- ?o\)", r"factor o\b",
       r"(missing|forgot\w*|dropp\w*|without) (the |a )?(factor )?o\b", r"third (gate|block)"],
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
                               do * (1.0 - o), dg * (1.0 - g ** 2)], axis=1)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("ls6_i_local_twice", "lstm", "lstm_step_backward",
      "The input gate's sigmoid derivative i(1 - i) is applied twice (once in di, again when da is "
      "assembled): the input gate's block carries an extra factor i(1 - i).",
      TWICE + [r"input gate.{0,80}(twice|again|extra|squared|local gradient|derivative|block|wrong)",
               r"\bi\b ?block", r"(block|columns?) (of|for) (the )?(input gate|i\b)", r"extra factor.{0,30}i ?\(1 ?- ?i\)",
               r"\(i ?\(1 ?- ?i\)\) ?\*\* ?2", r"first (gate|block)"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = dnext_c + dnext_h * o * (1.0 - tanh_c ** 2)
          df = dc * prev_c
          dprev_c = dc * f
          di = dc * g * i * (1.0 - i)
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
    E("ls6_dc_without_tanh_derivative", "lstm", "lstm_step_backward",
      "The path from next_h into the cell state forgets tanh's derivative: dc = dnext_c + dnext_h * o "
      "instead of dnext_c + dnext_h * o * (1 - tanh(next_c)**2).",
      [r"tanh'?s? (derivative|local gradient)", r"1 ?- ?tanh", r"(derivative|local gradient) of tanh",
       r"(path|gradient|term) (from|through) (next_h|the hidden state).{0,80}(cell|next_c|dc|tanh)",
       r"(cell|next_c).{0,60}(path|term) from (next_h|the hidden state)", r"(except|but) (for )?the output gate", r"(only|just) the output gate'?s? (block|columns?) (is |are )?right", r"(through|of) (the )?tanh\(?(next_)?c\)?.{0,40}(missing|forgot|skipp|dropp)"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = dnext_c + dnext_h * o
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
    E("ls6_dprev_c_plus_dnext_c", "lstm", "lstm_step_backward",
      "dprev_c adds dnext_c on top of dc * f, as if the cell state also skipped to the next step "
      "unchanged: dprev_c is the right one plus dnext_c; the other outputs are right.",
      [r"plus dnext_c", r"\+ ?dnext_c", r"(adds?|added|extra) .{0,30}dnext_c", r"dnext_c.{0,40}(added|again|twice|extra|passed (straight|directly|through))",
       r"(skip|residual|identity|direct) (connection|path)", r"(carried|incoming|upstream) cell (state )?gradient.{0,60}(added|again|twice|extra|unchanged)",
       r"(not|without) (multiplied by|through) (the )?forget gate", r"dnext_c (too much|extra|too large)",
       r"(upstream|incoming|next step'?s?) cell (state )?gradient.{0,40}(added|extra|too much|on top)"] + TWICE,
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = dnext_c + dnext_h * o * (1.0 - tanh_c ** 2)
          df = dc * prev_c
          dprev_c = dc * f + dnext_c
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
    E("ls6_if_local_swapped", "lstm", "lstm_step_backward",
      "The input and forget gates' local gradients are swapped: di is multiplied by f(1 - f) and df "
      "by i(1 - i).",
      [r"swap", r"(exchanged|interchanged|mixed up|each other)", r"(input|forget) (and|&) (input|forget) gates?",
       r"di.{0,40}f ?\(1 ?- ?f\)", r"df.{0,40}i ?\(1 ?- ?i\)", r"(input|forget) gate'?s? (local gradient|derivative|sigmoid).{0,60}(other|forget|input)",
       r"(first|\bi\b|\bf\b) (and|&) (second|\bf\b|\bi\b) blocks?"],
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
          da = np.concatenate([di * f * (1.0 - f), df * i * (1.0 - i),
                               do * o * (1.0 - o), dg * (1.0 - g ** 2)], axis=1)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("ls6_cache_og_swapped", "lstm", "lstm_step_backward",
      "The cache is unpacked as (..., i, f, g, o, next_c): the output gate and the candidate are read "
      "in each other's place everywhere.",
      [r"swap", r"(exchanged|interchanged|mixed up|each other|confused)", r"(output gate|\bo\b) (and|&) (the )?(candidate|\bg\b)",
       r"(candidate|\bg\b) (and|&) (the )?(output gate|\bo\b)", r"unpack", r"cache.{0,40}(order|wrong)",
       r"(order|position) of (the )?(gates|cache)"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, g, o, next_c = cache
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
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("ls6_g_local_with_i", "lstm", "lstm_step_backward",
      "Copy-paste: the candidate's tanh derivative is computed with the input gate, 1 - i**2, instead "
      "of 1 - g**2.",
      [r"1 ?- ?i ?\*\* ?2", r"(candidate|\bg\b).{0,80}(input gate|\bi\b).{0,20}(instead|where|rather)",
       r"(candidate|\bg\b).{0,40}(local gradient|derivative).{0,60}(wrong|other gate|input gate|\bi\b)",
       r"(copy|paste)", r"(candidate'?s?|\bg\b|fourth|last) (gate'?s? )?(block|columns?)", r"(block|columns?) (of|for) (the )?(candidate|\bg\b)"],
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
                               do * o * (1.0 - o), dg * (1.0 - i ** 2)], axis=1)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("ls6_dx_three_blocks", "lstm", "lstm_step_backward",
      "dx and dprev_h are summed block by block with range(3), so the candidate's block (g) never "
      "reaches them; dWx, dWh and db are right.",
      [r"range\(3\)", r"(candidate|\bg\b|fourth|last) (gate'?s? )?(block|gate|columns?).{0,60}(missing|left out|never|not|forgot|dropp|skipp)",
       r"(missing|left out|never|forgot\w*|dropp\w*|skipp\w*|without).{0,40}(candidate|\bg\b|fourth|last) (gate|block)",
       r"(only|just) (the )?(first )?three (gates|blocks)", r"(three|3) of (the )?(four|4) (gates|blocks)",
       r"loop (bound|stops|ends)", r"one (block|gate) (short|too few)"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          H = i.shape[1]
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = dnext_c + dnext_h * o * (1.0 - tanh_c ** 2)
          df = dc * prev_c
          dprev_c = dc * f
          di = dc * g
          dg = dc * i
          da = np.concatenate([di * i * (1.0 - i), df * f * (1.0 - f),
                               do * o * (1.0 - o), dg * (1.0 - g ** 2)], axis=1)
          dx = np.zeros_like(x)
          dprev_h = np.zeros_like(prev_h)
          for k in range(3):
              block = slice(k * H, (k + 1) * H)
              dx += da[:, block] @ Wx[:, block].T
              dprev_h += da[:, block] @ Wh[:, block].T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("ls6_df_with_prev_h", "lstm", "lstm_step_backward",
      "The forget gate's gradient uses prev_h (the previous hidden state) where prev_c (the previous "
      "cell state) belongs: df = dc * prev_h.",
      [r"prev_h.{0,40}(instead|where|rather|in place)", r"(instead of|not) prev_c", r"(hidden state).{0,40}(instead|where|rather).{0,30}cell",
       r"(previous|prior) hidden state", r"forget gate.{0,80}(wrong (input|state|factor|variable)|hidden state|prev_h)",
       r"(forget gate'?s?|\bf\b|second) (gate'?s? )?(block|columns?)", r"(block|columns?) (of|for) (the )?(forget gate|\bf\b)"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = dnext_c + dnext_h * o * (1.0 - tanh_c ** 2)
          df = dc * prev_h
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
    E("lb6_db_scalar_sum", "lstm", "lstm_backward",
      "db adds each step's db_t.sum() (one number) to every entry, so every entry of db holds the "
      "total over all gates and units; the other outputs are right.",
      CONSTANT + [r"(same|one|single|equal) (value|number) (in|for|across) (every|each|all) (entr|gate|unit|column)",
                  r"(sum|summed|total) (over|of) (all|every) (the )?(entries|gates|units|columns)", r"db_t\.sum\(\)",
                  r"(scalar|one number) (added|broadcast)", r"broadcast", r"(all|every) entr\w+ (of db )?(are |is )?(equal|the same)"],
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
              dWx += dWx_t
              dWh += dWh_t
              db += db_t.sum()
          return dx, dprev_h, dWx, dWh, db
      """),
    E("lb6_dh_over_T", "lstm", "lstm_backward",
      "Each step's upstream gradient is divided by T (dh[:, t] / T, as if the loss averaged over "
      "time): every output is 1/T of the right one.",
      [r"1 ?/ ?T\b", r"divid\w* by T\b", r"T times (too small|smaller)", r"(averag|mean)\w* over (the )?(time|steps)",
       r"(factor|fraction) (of )?(1 ?/ ?)?T\b", r"(number of )?(time )?steps? (T )?times (too small|smaller)", r"/ ?T\b"],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])
          dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
          for t in reversed(range(T)):
              dx[:, t], dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(
                  dh[:, t] / T + dprev_h, dprev_c, cache[t])
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev_h, dWx, dWh, db
      """),
    E("lb6_last_dh_ignored", "lstm", "lstm_backward",
      "A branch meant to skip the (zero) carry at the last step is written the wrong way round: the "
      "last step receives only the carry (zeros) and its upstream dh[:, T-1] is ignored; the other "
      "steps are right.",
      [r"last (time )?step'?s? (upstream|dh|gradient)", r"dh\[:, ?(T ?- ?1|-1)\]", r"(only|except) (for )?the last (time )?step",
       r"(upstream|dh) (of|at|for) the last (time )?step.{0,40}(ignored|missing|dropped|never|not)",
       r"(ignor|drop|miss|forg)\w* (the )?(upstream |dh )?(of |at |for )?the last (time )?step", r"final (time )?step"],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])
          dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
          for t in reversed(range(T)):
              if t < T - 1:
                  dnext_h = dh[:, t] + dprev_h
              else:
                  dnext_h = dprev_h
              dx[:, t], dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(
                  dnext_h, dprev_c, cache[t])
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev_h, dWx, dWh, db
      """),
    E("lb6_hidden_carry_late", "lstm", "lstm_backward",
      "The hidden-state carry goes through a temporary that is updated one iteration late, so step t "
      "receives what step t + 2 sent back instead of step t + 1 (the cell carry is right).",
      SHIFT + [r"t ?\+ ?2", r"two steps", r"(hidden|dprev_h) (carry|gradient).{0,60}(late|delayed|wrong step|older|stale|previous iteration)",
               r"(stale|previous iteration|old) (carry|value|dprev_h)"],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])
          carry_h = np.zeros((N, H))
          dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
          for t in reversed(range(T)):
              out = lstm_step_backward(dh[:, t] + carry_h, dprev_c, cache[t])
              carry_h = dprev_h
              dx[:, t], dprev_h, dprev_c, dWx_t, dWh_t, db_t = out
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev_h, dWx, dWh, db
      """),
    E("lb6_step0_cell_carry_zero", "lstm", "lstm_backward",
      "Step 0 is handled after the loop with zeros as dnext_c, so the cell-state gradient carried "
      "from step 1 never reaches step 0: only step 0's dx, dh0 and its weight terms are wrong.",
      [r"(step 0|first (time )?step|step zero)", r"(only|just) (time )?step 0", r"dx\[:, ?0\]",
       r"cell[- ]state (gradient|carry).{0,60}(dropped|missing|lost|zero|never|not)", r"(dnext_c|cell carry).{0,40}(zero|dropped|missing)",
       r"(except|but) (for )?(the )?first (time )?step", r"(initial|first) step.{0,40}(wrong|off)"],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])
          dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
          for t in range(T - 1, 0, -1):
              dx[:, t], dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(
                  dh[:, t] + dprev_h, dprev_c, cache[t])
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          dx[:, 0], dh0, _, dWx_t, dWh_t, db_t = lstm_step_backward(
              dh[:, 0] + dprev_h, np.zeros((N, H)), cache[0])
          dWx += dWx_t
          dWh += dWh_t
          db += db_t
          return dx, dh0, dWx, dWh, db
      """),
    E("hb6_clip_at_half_delta", "lstm", "huber_backward",
      "Clips r to [-delta/2, delta/2] (the 0.5 * delta of the loss's linear part taken into the "
      "gradient) instead of [-delta, delta].",
      HALF + [r"delta ?/ ?2", r"0\.5 ?\* ?delta", r"half (of )?delta", r"(threshold|clip\w*|bound|limit|region|cut).{0,40}(half|too (small|early|low)|delta ?/ ?2)",
              r"(between|for) delta ?/ ?2 and delta"],
      """
      def huber_backward(dloss, r, delta=1.0):
          return dloss * np.clip(r, -0.5 * delta, 0.5 * delta) / r.size
      """),
    E("hb6_dloss_inside_only", "lstm", "huber_backward",
      "dloss multiplies only the quadratic region's gradient; outside |r| <= delta the result is "
      "delta * sign(r) / r.size whatever dloss is.",
      [r"dloss.{0,60}(only|outside|linear|not (multipl|applied|used))", r"(outside|linear (region|part)).{0,80}(dloss|upstream)",
       r"(upstream|dloss) (is )?(ignored|missing|forgotten|not (applied|used|multiplied)).{0,40}(outside|linear|\|r\| ?> ?delta)",
       r"(only|just) (the )?(inside|quadratic (region|part)) (is )?(scaled|multiplied)", r"(does not|doesn't) (scale|depend).{0,40}(dloss|upstream)"],
      """
      def huber_backward(dloss, r, delta=1.0):
          inside = np.abs(r) <= delta
          dr = np.where(inside, dloss * r, delta * np.sign(r))
          return dr / r.size
      """),
    E("hb6_inside_times_delta", "lstm", "huber_backward",
      "delta is factored out of both regions but only divided out of the linear one: inside "
      "|r| <= delta the gradient is delta * r instead of r (the outside is right).",
      [r"delta ?\* ?r\b", r"times delta", r"delta times", r"(factor|multipl\w*) (of |by )?delta",
       r"(inside|quadratic (region|part)).{0,60}(delta|too large|scaled|factor)", r"(extra|spurious) (factor )?delta"],
      """
      def huber_backward(dloss, r, delta=1.0):
          dr = delta * np.where(np.abs(r) <= delta, r, np.sign(r))
          return dloss * dr / r.size
      """),
]
