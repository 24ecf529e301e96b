"""DEV catalogue of wrong implementations, to develop the difference explainer against (#27).

Different mistakes from the held-out catalogue the explainer is measured on (kept outside the
repository until the lead commits it). Same format: id, assignment, function, source (a
student's wrong solution cell), mistake (one sentence), accept (case-insensitive regular
expressions; any one in a failing message shows the message names the mistake).

    python bench/feedback_catalogue.py bench/catalogue_dev.py [--list]
"""
from textwrap import dedent


def E(id, assignment, function, mistake, accept, source):
    return {"id": id, "assignment": assignment, "function": function,
            "source": dedent(source).strip() + "\n", "mistake": mistake, "accept": accept}


SCALE_N = r"1/N|divided by N|N times|factor of|scale|\bmean\b|averag"

_STEP = """
def lstm_step_backward(dnext_h, dnext_c, cache):
    x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
    tc = np.tanh(next_c)
    do = dnext_h * tc
    dc = dnext_c + dnext_h * o * (1 - tc ** 2)
    di, df, dg = {di}, dc * prev_c, dc * i
    da = np.concatenate([{blocks}], axis=1)
    return da @ Wx.T, da @ Wh.T, {dprev_c}, x.T @ da, prev_h.T @ da, da.sum(axis=0)
"""
_BLOCKS = "di * i * (1 - i), df * f * (1 - f), do * o * (1 - o), dg * (1 - g ** 2)"


def step(di="dc * g", blocks=_BLOCKS, dprev_c="dc * f"):
    return _STEP.format(di=di, blocks=blocks, dprev_c=dprev_c)


_LSTM = """
def lstm_backward(dh, cache):
    N, T, H = dh.shape
    x0, _, _, Wx, Wh = cache[0][:5]
    dx = np.zeros((N, T, x0.shape[1]))
    dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])
    dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
    for t in {loop}:
        dx[:, t], dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(
            {dnext_h}, dprev_c, cache[t])
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return {ret}
"""


def bptt(loop="reversed(range(T))", dnext_h="dh[:, t] + dprev_h",
         ret="dx, dprev_h, dWx, dWh, db"):
    return _LSTM.format(loop=loop, dnext_h=dnext_h, ret=ret)


CATALOGUE = [
    # ------------------------------------------------------------------ staged (4)
    E("mul_swapped", "staged", "mul_backward",
      "Each input gets dout times itself (dx = dout * x) instead of dout times the other input.",
      [r"other input|swap|times itself|dout \* x|\by\b instead|instead of y|exchanged"], """
      def mul_backward(dout, x, y):
          return dout * x, dout * y
      """),
    E("staged_square_no_2", "staged", "staged_backward",
      "The derivative of xpy**2 misses the factor 2 (dxpy = xpy * dxpysqr).",
      ['factor (of )?2|stage 5|square|twice|half'], """
      def staged_backward(df, cache):
          x, y, sigy, num, sigx, xpy, xpysqr, den, invden = cache
          dnum = invden * df
          dden = -num * df / den ** 2
          dxpy = xpy * dden
          dx = dxpy + sigx * (1 - sigx) * dden + dnum
          dy = dxpy + sigy * (1 - sigy) * dnum
          return dx, dy
      """),
    E("staged_no_sigy_path", "staged", "staged_backward",
      "y's path through sigmoid(y) in the numerator is missing from dy.",
      ['sigy|sigmoid\\(y\\)|sigmoid of y|stage 1\\b|numerator|missing (term|path|contribution)'], """
      def staged_backward(df, cache):
          x, y, sigy, num, sigx, xpy, xpysqr, den, invden = cache
          dnum = invden * df
          dden = -num * df / den ** 2
          dxpy = 2 * xpy * dden
          dx = dxpy + sigx * (1 - sigx) * dden + dnum
          dy = dxpy.copy()
          return dx, dy
      """),
    E("numgrad_no_restore", "staged", "numerical_gradient",
      "x is not restored after the nudges: each entry is left at x - h.",
      [r"restor|original value|modif|changed|left at|not put back"], """
      def numerical_gradient(f, x, h=1e-5):
          grad = np.zeros(x.shape)
          for i in np.ndindex(x.shape):
              old = x[i]
              x[i] = old + h
              fp = f(x)
              x[i] = old - h
              fm = f(x)
              grad[i] = (fp - fm) / (2 * h)
          return grad
      """),
    # ------------------------------------------------------------------ sigmoid (3)
    E("sig_dx_skips_local", "sigmoid", "sigmoid_layer_backward",
      "dx is computed from dz directly (W.T @ dz), skipping the sigmoid's local gradient; dW is right.",
      [r"local gradient|z\s*\(1\s*-\s*z\)|through the sigmoid|sigmoid'?s? derivative|derivative of the sigmoid"], """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          da = dz * z * (1 - z)
          return W.T @ dz, np.outer(da, x)
      """),
    E("sig_dW_skips_local", "sigmoid", "sigmoid_layer_backward",
      "dW is built from dz directly (np.outer(dz, x)), skipping the sigmoid's local gradient; dx is right.",
      [r"local gradient|z\s*\(1\s*-\s*z\)|through the sigmoid|sigmoid'?s? derivative|derivative of the sigmoid"], """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          dx = W.T @ (dz * z * (1 - z))
          dW = np.outer(dz, x)
          return dx, dW
      """),
    E("satfrac_inverted", "sigmoid", "saturated_fraction",
      "Counts the pairs whose local gradient is at least tol: the complement of the saturated fraction.",
      [r"invert|complement|opposite|1 ?- ?(the )?(right|expected|fraction)|not saturated|above|>= ?tol"], """
      def saturated_fraction(W, X, tol=1e-3):
          Z = sigmoid(X @ W.T)
          return float(np.mean(Z * (1 - Z) >= tol))
      """),
    # ------------------------------------------------------------------ relu (4)
    E("relu_times_a", "relu", "relu_backward",
      "The gradient is multiplied by the input a where a > 0 instead of passed through.",
      [r"times (the )?(input|a)\b|multipli(ed|es)? by (the )?(ReLU's )?(input|output|value|a)\b|dout \* a\b|not its value"], """
      def relu_backward(dout, cache):
          a = cache
          return np.where(a > 0, dout * a, 0.0)
      """),
    E("leaky_no_slope", "relu", "leaky_relu_backward",
      "The negative side gets 0 (a plain ReLU's backward) instead of slope * dout.",
      [r"slope (is )?(missing|ignored|forgotten|dropped|lost)|without (the )?slope|plain ReLU|zero (on|for) the negative|negative side"], """
      def leaky_relu_backward(dout, cache):
          a, slope = cache
          return dout * (a > 0)
      """),
    E("prelu_da_swapped", "relu", "prelu_backward",
      "In da the slope alpha is applied on the positive side and dout passes on the negative side.",
      [r"swap|other side|wrong side|opposite|revers|invert|positive side"], """
      def prelu_backward(dout, cache):
          a, alpha = cache
          neg = a <= 0
          da = np.where(neg, dout, alpha * dout)
          dalpha = (a * dout * neg).sum(axis=0)
          return da, dalpha
      """),
    E("dead_any", "relu", "dead_neuron_fraction",
      "A unit is counted dead when its pre-activation is <= 0 for some example instead of for every example.",
      ['\\bany\\b|some (examples|rows)|at least one|(must|only) .{0,20}every'], """
      def dead_neuron_fraction(W, b, X):
          pre = X @ W.T + b
          return float(np.mean(np.any(pre <= 0, axis=0)))
      """),
    # ------------------------------------------------------------------ rnn (7)
    E("rrnn_no_mask", "rnn", "relu_rnn_backward",
      "The ReLU's derivative (the mask hs[t] > 0) is left out.",
      ["mask (is )?(missing|forgotten)|without (the )?(ReLU|mask)|ReLU('s)? (derivative|mask) (is )?(missing|forgotten|skipped)|hs\\[t\\] ?> ?0"], """
      def relu_rnn_backward(dhs, cache):
          Whh, h0, hs = cache
          T, H = hs.shape
          dWhh = np.zeros_like(Whh)
          carry = np.zeros(H)
          for t in reversed(range(T)):
              delta = dhs[t] + carry
              prev = hs[t - 1] if t > 0 else h0
              dWhh += np.outer(delta, prev)
              carry = Whh.T @ delta
          return dWhh, carry
      """),
    E("rrnn_dh0_zero", "rnn", "relu_rnn_backward",
      "dh0 is returned as zeros: the carry out of the first step is never returned.",
      [r"all zeros?|zero everywhere|are zero|never returned|carry"], """
      def relu_rnn_backward(dhs, cache):
          Whh, h0, hs = cache
          T, H = hs.shape
          dWhh = np.zeros_like(Whh)
          carry = np.zeros(H)
          for t in reversed(range(T)):
              delta = (dhs[t] + carry) * (hs[t] > 0)
              prev = hs[t - 1] if t > 0 else h0
              dWhh += np.outer(delta, prev)
              carry = Whh.T @ delta
          return dWhh, np.zeros_like(h0)
      """),
    E("rstep_no_tanh", "rnn", "rnn_step_backward",
      "The tanh's derivative 1 - next_h**2 is left out (da = dnext_h).",
      [r"tanh|1 ?- ?next_h|derivative|local gradient"], """
      def rnn_step_backward(dnext_h, cache):
          x, prev_h, Wx, Wh, next_h = cache
          da = dnext_h
          return da @ Wx.T, da @ Wh.T, x.T @ da, prev_h.T @ da, da.sum(axis=0)
      """),
    E("rstep_dprev_no_transpose", "rnn", "rnn_step_backward",
      "dprev_h is da @ Wh instead of da @ Wh.T (missing transpose; Wh is square so it runs).",
      [r"transpos|Wh\.T|\.T\b"], """
      def rnn_step_backward(dnext_h, cache):
          x, prev_h, Wx, Wh, next_h = cache
          da = dnext_h * (1 - next_h ** 2)
          return da @ Wx.T, da @ Wh, x.T @ da, prev_h.T @ da, da.sum(axis=0)
      """),
    E("rnn_forward_in_time", "rnn", "rnn_backward",
      "The loop walks forward in time instead of from the last step back.",
      [r"forward in time|wrong (order|direction)|revers|backward in time|last step first|from the (last|end)"], """
      def rnn_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, Wx, Wh, _ = cache[0]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(H)
          dprev = np.zeros((N, H))
          for t in range(T):
              dx[:, t], dprev, a, b_, c = rnn_step_backward(dh[:, t] + dprev, cache[t])
              dWx += a
              dWh += b_
              db += c
          return dx, dprev, dWx, dWh, db
      """),
    E("rnn_dh0_is_dh0_upstream", "rnn", "rnn_backward",
      "dh0 is returned as the upstream gradient on the first state dh[:, 0] instead of the carry out of step 0.",
      [r"dh\[:, ?0\]|upstream|passed through|first (step|state)|carry"], """
      def rnn_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, Wx, Wh, _ = cache[0]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(H)
          dprev = np.zeros((N, H))
          for t in reversed(range(T)):
              dx[:, t], dprev, a, b_, c = rnn_step_backward(dh[:, t] + dprev, cache[t])
              dWx += a
              dWh += b_
              db += c
          return dx, dh[:, 0].copy(), dWx, dWh, db
      """),
    E("clipvalue_lower_zero", "rnn", "clip_grad_value",
      "Clips to [0, clip_value], so every negative entry becomes 0.",
      [r"negative|-clip_value|lower (bound|limit)|below|\[0,"], """
      def clip_grad_value(grads, clip_value):
          return {k: np.clip(g, 0, clip_value) for k, g in grads.items()}
      """),
    # ------------------------------------------------------------------ softmax (9)
    E("aff_dx_over_N", "softmax", "affine_backward",
      "dx is divided by the batch size N.",
      [SCALE_N], """
      def affine_backward(dout, cache):
          x, W, b = cache
          N = dout.shape[0]
          return dout @ W.T / N, x.T @ dout, dout.sum(axis=0)
      """),
    E("aff_db_scalar", "softmax", "affine_backward",
      "db sums dout over everything, giving one number instead of one per output unit.",
      [r"axis|scalar|shape|sum(med)? over|one number|every entry"], """
      def affine_backward(dout, cache):
          x, W, b = cache
          return dout @ W.T, x.T @ dout, np.sum(dout) * np.ones_like(b)
      """),
    E("aff_inplace_dout", "softmax", "affine_backward",
      "The caller's dout is changed in place (b is added to it after use).",
      [r"modif|in place|changed|overwr|alias"], """
      def affine_backward(dout, cache):
          x, W, b = cache
          db = dout.sum(axis=0)
          dx = dout @ W.T
          dW = x.T @ dout
          dout += b
          return dx, dW, db
      """),
    E("sce_dlogits_sign", "softmax", "softmax_cross_entropy_backward",
      "dlogits has the wrong sign (labels - probs * row sums).",
      ['sign|(times|by|factor( of)?|c =) -1\\b|negat|opposite|minus'], """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          s = labels.sum(axis=1, keepdims=True)
          return dloss * (labels - probs * s) / N, -dloss * np.log(probs) / N
      """),
    E("sce_dlabels_no_N", "softmax", "softmax_cross_entropy_backward",
      "dlabels is not divided by N.",
      [SCALE_N], """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          s = labels.sum(axis=1, keepdims=True)
          return dloss * (probs * s - labels) / N, -dloss * np.log(probs)
      """),
    E("sce_labels_times_rowsum", "softmax", "softmax_cross_entropy_backward",
      "The row sum multiplies the labels instead of probs (probs - labels * row sum).",
      [r"row sums?|sum of (the )?labels|labels' sum|sum to 1|soft labels?|one-hot"], """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          s = labels.sum(axis=1, keepdims=True)
          return dloss * (probs - labels * s) / N, -dloss * np.log(probs) / N
      """),
    E("mlp_db2_zero", "softmax", "mlp_backward",
      "The gradient on b2 is returned as zeros.",
      [r"all zeros?|zero everywhere|are zero|never computed|missing"], """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          dlogits, _ = softmax_cross_entropy_backward(dloss, loss_cache)
          dh, dW2, db2 = affine_backward(dlogits, aff2_cache)
          dX, dW1, db1 = affine_backward(dh * (relu_cache > 0), aff1_cache)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": np.zeros_like(db2)}
      """),
    E("mlp_dloss_one", "softmax", "mlp_backward",
      "The loss backward is called with 1.0 instead of dloss, so dloss is ignored.",
      [r"dloss|upstream"], """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          dlogits, _ = softmax_cross_entropy_backward(1.0, loss_cache)
          dh, dW2, db2 = affine_backward(dlogits, aff2_cache)
          dX, dW1, db1 = affine_backward(dh * (relu_cache > 0), aff1_cache)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("mlp_db1_before_mask", "softmax", "mlp_backward",
      "db1 is summed from dh before the ReLU mask instead of from the masked gradient.",
      ['before the (ReLU|mask)|unmasked|without the mask|b1.{0,40}mask'], """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          dlogits, _ = softmax_cross_entropy_backward(dloss, loss_cache)
          dh, dW2, db2 = affine_backward(dlogits, aff2_cache)
          da = dh * (relu_cache > 0)
          dX, dW1, _ = affine_backward(da, aff1_cache)
          db1 = dh.sum(axis=0)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    # ------------------------------------------------------------------ lstm (9)
    E("lstep_di_uses_f", "lstm", "lstm_step_backward",
      "The input gate's gradient uses dc * f instead of dc * g.",
      ['input gate|\\bdi\\b|times f\\b|instead of g\\b'], step(di="dc * f")),
    E("lstep_blocks_fi", "lstm", "lstm_step_backward",
      "The input and forget gate blocks are swapped in the gate order (f, i, o, g).",
      [r"block|gate order|order of the gates|swap|i, f, o, g"],
      step(blocks="df * f * (1 - f), di * i * (1 - i), do * o * (1 - o), dg * (1 - g ** 2)")),
    E("lstep_dprev_c_times_i", "lstm", "lstm_step_backward",
      "dprev_c is dc * i instead of dc * f.",
      ['forget gate|times i\\b|instead of f\\b|dprev_c .{0,30}\\bi\\b'], step(dprev_c="dc * i")),
    E("lstep_output_deriv_tanh", "lstm", "lstm_step_backward",
      "The output gate's derivative is taken as tanh's 1 - o**2 instead of o(1 - o).",
      ["output gate|o\\s*\\(1\\s*-\\s*o\\)|sigmoid'?s? derivative|1 ?- ?o\\s*\\*\\*\\s*2"],
      step(blocks="di * i * (1 - i), df * f * (1 - f), do * (1 - o ** 2), dg * (1 - g ** 2)")),
    E("lstm_dh0_zero", "lstm", "lstm_backward",
      "dh0 is returned as zeros.",
      [r"all zeros?|zero everywhere|are zero|never returned"],
      bptt(ret="dx, np.zeros((N, H)), dWx, dWh, db")),
    E("lstm_skip_first", "lstm", "lstm_backward",
      "The loop stops before step 0, so the first step is never backpropagated.",
      [r"first step|step 0|t ?= ?0|off by one|skip|stops? before|never reach"],
      bptt(loop="range(T - 1, 0, -1)")),
    E("lstm_dh_next_step", "lstm", "lstm_backward",
      "Each step gets the upstream gradient of the next time step (dh[:, t+1]), shifted by one.",
      [r"shift|off by one|neighbou?r|next (time )?step|t ?\+ ?1|wrong step|one step"],
      bptt(dnext_h="dh[:, min(t + 1, T - 1)] + dprev_h")),
    E("huber_no_dloss", "lstm", "huber_backward",
      "The upstream gradient dloss is ignored.",
      [r"dloss|upstream"], """
      def huber_backward(dloss, r, delta=1.0):
          return np.clip(r, -delta, delta) / r.size
      """),
    E("huber_all_linear", "lstm", "huber_backward",
      "Every entry gets the linear region's gradient delta * sign(r), also where |r| <= delta.",
      ['inside|quadratic|small (errors|entries)|everywhere linear|linear (everywhere|for all)'], """
      def huber_backward(dloss, r, delta=1.0):
          return dloss * delta * np.sign(r) / r.size
      """),
    E("huber_rows_not_size", "lstm", "huber_backward",
      "The gradient is divided by the number of rows r.shape[0] instead of r.size.",
      [r"r\.size|number of (entries|elements)|\bsize\b|shape\[0\]|rows|scale|factor of|times too"], """
      def huber_backward(dloss, r, delta=1.0):
          return dloss * np.clip(r, -delta, delta) / len(r)
      """),
]
