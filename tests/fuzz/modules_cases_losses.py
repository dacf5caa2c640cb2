"""Loss configurations for the modules fuzz (modules_fuzz.py): every loss module with its options.
See modules_cases.py for what a generator returns.
"""
from __future__ import annotations

import random

from tests.fuzz.modules_cases import _args, _shape


def _pm1(shape) -> str:
    """A ±1 target."""
    return f"(i_(0, 2, {_shape(*shape)}) * 2 - 1).double()"


def _batch(r: random.Random) -> list:
    return [] if r.random() < 0.2 else [r.randint(1, 3)]


def classification(r: random.Random) -> str:
    """CrossEntropyLoss and NLLLoss: weight, ignore_index, label_smoothing, probabilities."""
    c = r.randint(2, 4)
    extra = [r.randint(1, 3) for _ in range(r.randint(0, 2))]
    batch = [] if r.random() < 0.15 else [r.randint(1, 3)]
    if not batch:
        extra = []
    shape = batch + [c] + extra
    opts = {"reduction": r.choice(["mean", "sum", "none"])}
    src = f"x = x_({_shape(*shape)})\n"
    if r.random() < 0.4:
        src += f"wt = x_({c}, lo=0.1, hi=2.0, grad={r.random() < 0.3})\n"
        opts["weight"] = "WT"
    ce = r.random() < 0.65
    probs = ce and r.random() < 0.3
    if probs:
        src += f"t = x_({_shape(*shape)}, lo=0.0, hi=1.0, grad={r.random() < 0.5})\n"
    else:
        ign = r.choice([None, -100, 0, 1])
        if ign is not None:
            opts["ignore_index"] = ign
        src += f"t = i_(0, {c}, {_shape(*batch, *extra)})\n"
    if ce and r.random() < 0.5:
        opts["label_smoothing"] = r.choice([0.1, 0.5, 1.0])
    kw = _args(**opts).replace("'WT'", "wt")
    if ce:
        return src + f"m = nn.CrossEntropyLoss({kw})\nout = m(x, t)"
    return src + f"m = nn.NLLLoss({kw})\nout = m(x.log_softmax({1 if batch else 0}), t)"


def binary(r: random.Random) -> str:
    """BCELoss, BCEWithLogitsLoss: weight, pos_weight."""
    shape = _batch(r) + [r.randint(1, 3)]
    red = r.choice(["mean", "sum", "none"])
    logits = r.random() < 0.5
    src = (f"x = x_({_shape(*shape)}{'' if logits else ', lo=0.05, hi=0.95'})\n"
           f"t = x_({_shape(*shape)}, lo=0.0, hi=1.0, grad={r.random() < 0.5})\n")
    opts = ""
    if r.random() < 0.4:
        src += f"wt = x_({shape[-1]}, lo=0.1, hi=2.0, grad=False)\n"
        opts += "weight=wt, "
    if logits and r.random() < 0.5:
        src += f"pw = x_({shape[-1]}, lo=0.1, hi=3.0, grad=False)\n"
        opts += "pos_weight=pw, "
    name = "BCEWithLogitsLoss" if logits else "BCELoss"
    return src + f"m = nn.{name}({opts}reduction={red!r})\nout = m(x, t)"


def regression(r: random.Random) -> str:
    """MSE, L1, SmoothL1 (beta), Huber (delta), SoftMargin, KLDiv, PoissonNLL, GaussianNLL."""
    shape = _batch(r) + [r.randint(1, 3) for _ in range(r.randint(0, 2))]
    red = r.choice(["mean", "sum", "none"])
    name = r.choice(["MSELoss", "L1Loss", "SmoothL1Loss", "HuberLoss", "KLDivLoss", "PoissonNLLLoss",
                     "GaussianNLLLoss", "SoftMarginLoss"])
    x = f"x = x_({_shape(*shape)})\n"
    t = f"t = x_({_shape(*shape)}, grad={r.random() < 0.5})\n"
    opts = {"reduction": red}
    if name == "SmoothL1Loss":
        opts["beta"] = r.choice([0.0, 0.5, 1.0, 2.0])
    if name == "HuberLoss":
        opts["delta"] = r.choice([0.3, 1.0, 2.0])
    if name == "KLDivLoss":
        if r.random() < 0.5:
            opts["reduction"] = "batchmean"
        opts["log_target"] = r.random() < 0.5
        if not opts["log_target"]:
            t = f"t = x_({_shape(*shape)}, lo=0.0, hi=1.0, grad={r.random() < 0.5})\n"
    if name == "PoissonNLLLoss":
        opts.update(log_input=r.random() < 0.5, full=r.random() < 0.5, eps=r.choice([1e-8, 0.5]))
        if not opts["log_input"]:
            x = f"x = x_({_shape(*shape)}, lo=0.0, hi=2.0)\n"
        t = f"t = i_(0, 4, {_shape(*shape)}).double()\n"
    if name == "SoftMarginLoss":
        t = f"t = {_pm1(shape)}\n"
    if name == "GaussianNLLLoss":
        opts.update(full=r.random() < 0.5, eps=r.choice([1e-6, 0.5]))
        vshape = shape if r.random() < 0.5 or not shape else shape[:-1] + [1]
        return (x + t + f"var = x_({_shape(*vshape)}, lo=0.1, hi=2.0)\n"
                f"m = nn.GaussianNLLLoss({_args(**opts)})\nout = m(x, t, var)")
    return x + t + f"m = nn.{name}({_args(**opts)})\nout = m(x, t)"


def margin(r: random.Random) -> str:
    """MarginRanking, HingeEmbedding, MultiMargin (p, weight), MultiLabelMargin,
    MultiLabelSoftMargin (weight), CosineEmbedding, TripletMargin (p, eps, swap)."""
    red = r.choice(["mean", "sum", "none"])
    name = r.choice(["MarginRankingLoss", "HingeEmbeddingLoss", "MultiMarginLoss",
                     "MultiLabelMarginLoss", "MultiLabelSoftMarginLoss", "CosineEmbeddingLoss",
                     "TripletMarginLoss", "TripletMarginWithDistanceLoss"])
    batch = _batch(r)
    c = r.randint(1, 4)
    mg = r.choice([0.0, 0.5, 1.0, 2.0])
    if name == "MarginRankingLoss":
        return (f"a = x_({_shape(*batch)})\nb = x_({_shape(*batch)})\ny = {_pm1(batch)}\n"
                f"m = nn.MarginRankingLoss(margin={mg}, reduction={red!r})\nout = m(a, b, y)")
    if name == "HingeEmbeddingLoss":
        shape = batch + [c]
        return (f"x = x_({_shape(*shape)})\ny = {_pm1(shape)}\n"
                f"m = nn.HingeEmbeddingLoss(margin={mg}, reduction={red!r})\nout = m(x, y)")
    if name == "MultiMarginLoss":
        w = f"wt = x_({c}, lo=0.1, hi=2.0, grad=False)\n" if r.random() < 0.4 else "wt = None\n"
        return (f"x = x_({_shape(*batch, c)})\ny = i_(0, {c}, {_shape(*batch)})\n" + w +
                f"m = nn.MultiMarginLoss(p={r.choice([1, 2])}, margin={mg}, weight=wt, reduction={red!r})\n"
                "out = m(x, y)")
    if name == "MultiLabelMarginLoss":
        return (f"x = x_({_shape(*batch, c)})\ny = i_(-1, {c}, {_shape(*batch, c)})\n"
                f"m = nn.MultiLabelMarginLoss(reduction={red!r})\nout = m(x, y)")
    if name == "MultiLabelSoftMarginLoss":
        b = batch or [1]
        w = f"wt = x_({c}, lo=0.1, hi=2.0, grad=False)\n" if r.random() < 0.4 else "wt = None\n"
        return (f"x = x_({_shape(*b, c)})\ny = i_(0, 2, {_shape(*b, c)}).double()\n" + w +
                f"m = nn.MultiLabelSoftMarginLoss(weight=wt, reduction={red!r})\nout = m(x, y)")
    if name == "CosineEmbeddingLoss":
        return (f"a = x_({_shape(*batch, c)})\nb = x_({_shape(*batch, c)})\ny = {_pm1(batch)}\n"
                f"m = nn.CosineEmbeddingLoss(margin={r.choice([-0.5, 0.0, 0.5])}, reduction={red!r})\n"
                "out = m(a, b, y)")
    args = f"a = x_({_shape(*batch, c)})\np = x_({_shape(*batch, c)})\nn = x_({_shape(*batch, c)})\n"
    if name == "TripletMarginLoss":
        kw = _args(margin=mg, p=r.choice([1.0, 2.0, 3.0]), eps=r.choice([1e-6, 0.1]),
                   swap=r.random() < 0.5, reduction=red)
        return args + f"m = nn.TripletMarginLoss({kw})\nout = m(a, p, n)"
    dist = r.choice(["None", "nn.PairwiseDistance()", "lambda u, v: 1 - F.cosine_similarity(u, v, dim=-1)"])
    kw = f"distance_function={dist}, margin={mg}, swap={r.random() < 0.5}, reduction={red!r}"
    return args + f"m = nn.TripletMarginWithDistanceLoss({kw})\nout = m(a, p, n)"


def ctc(r: random.Random) -> str:
    """CTCLoss: blank, reduction, zero_infinity, padded or concatenated targets."""
    t, n, c = r.randint(1, 6), r.randint(1, 3), r.randint(2, 4)
    blank = r.randint(0, c - 1)
    in_lens = [r.randint(1, t) for _ in range(n)]
    in_lens[0] = t
    tg_lens = [r.randint(0, min(4, t + 1)) for _ in range(n)]
    s = max(tg_lens) if r.random() < 0.5 else max(tg_lens) + 1
    labels = [x for x in range(c) if x != blank]
    src = f"lp = x_({t}, {n}, {c}).log_softmax(2)\n"
    rows = [[r.choice(labels) for _ in range(s)] for _ in range(n)]
    if r.random() < 0.5:
        tgt = f"tg.tensor({rows!r})"
    else:
        tgt = f"tg.tensor({[v for row, ln in zip(rows, tg_lens) for v in row[:ln]]!r}, dtype=tg.int64)"
    if r.random() < 0.3:
        src += "# unbatched\nlp = lp[:, 0]\n"
        tgt = f"tg.tensor({rows[0][:tg_lens[0]]!r}, dtype=tg.int64)"
        in_lens, tg_lens = in_lens[:1], tg_lens[:1]
        in_l, tg_l = f"tg.tensor({in_lens[0]})", f"tg.tensor({tg_lens[0]})"
    elif r.random() < 0.5:
        in_l, tg_l = f"tg.tensor({in_lens!r})", f"tg.tensor({tg_lens!r})"
    else:
        in_l, tg_l = repr(tuple(in_lens)), repr(tuple(tg_lens))
    kw = _args(blank=blank, reduction=r.choice(["mean", "sum", "none"]), zero_infinity=r.random() < 0.5)
    return src + f"m = nn.CTCLoss({kw})\nout = m(lp, {tgt}, {in_l}, {tg_l})"


CASES = {"classification_loss": classification, "binary_loss": binary, "regression_loss": regression,
         "margin_loss": margin, "ctc_loss": ctc}
