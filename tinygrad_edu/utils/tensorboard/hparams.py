"""The three summaries of TensorBoard's HPARAMS plugin (tensorboard/plugins/hparams/api.proto,
plugin_data.proto), built the way PyTorch's `hparams()` builds them.

    HParamsPluginData  version 1, experiment 2, session_start_info 3, session_end_info 4 (oneof data)
    Experiment         hparam_infos 4 {name 1, type 4 enum, domain_discrete 5 ListValue},
                       metric_infos 5 {name 1 MetricName {group 1, tag 2}}
    SessionStartInfo   hparams 1: map<string, google.protobuf.Value>, each entry {key 1, value 2}
    SessionEndInfo     status 1 enum (STATUS_SUCCESS = 1)
    Value              number_value 2 double, string_value 3, bool_value 4 (oneof kind)
"""
from __future__ import annotations

from . import events
from .protobuf import bytes_field, double_field, int_field, message_field

PLUGIN_NAME = "hparams"
EXPERIMENT_TAG = "_hparams_/experiment"
SESSION_START_INFO_TAG = "_hparams_/session_start_info"
SESSION_END_INFO_TAG = "_hparams_/session_end_info"
DATA_TYPE_STRING, DATA_TYPE_BOOL, DATA_TYPE_FLOAT64 = 1, 2, 3
STATUS_SUCCESS = 1


def _value(number=None, string=None, boolean=None) -> bytes:
    if number is not None:
        return double_field(2, number, always=True)
    if string is not None:
        return bytes_field(3, string, always=True)
    return int_field(4, boolean, always=True)


def _hparam_info(name: str, data_type: int, discrete: list[bytes] | None) -> bytes:
    out = bytes_field(1, name) + int_field(4, data_type)
    if discrete is not None:
        out += message_field(5, b"".join(message_field(1, value) for value in discrete))
    return out


def _summary(tag: str, plugin_data: bytes) -> bytes:
    # HParamsPluginData.version is 0, which proto3 leaves out
    return events.summary(events.summary_value(tag, metadata=events.summary_metadata(PLUGIN_NAME, plugin_data)))


def hparams(hparam_dict: dict, metric_dict: dict, hparam_domain_discrete: dict | None = None
            ) -> tuple[bytes, bytes, bytes]:
    """The Experiment, SessionStartInfo and SessionEndInfo summaries (encoded), in that order."""
    from ...tensor import Tensor
    if not isinstance(hparam_dict, dict):
        raise TypeError("parameter: hparam_dict should be a dictionary, nothing logged.")
    if not isinstance(metric_dict, dict):
        raise TypeError("parameter: metric_dict should be a dictionary, nothing logged.")
    hparam_domain_discrete = hparam_domain_discrete or {}
    if not isinstance(hparam_domain_discrete, dict):
        raise TypeError("parameter: hparam_domain_discrete should be a dictionary, nothing logged.")
    for k, v in hparam_domain_discrete.items():
        if k not in hparam_dict or not isinstance(v, list) or not all(isinstance(d, type(hparam_dict[k])) for d in v):
            raise TypeError(f"parameter: hparam_domain_discrete[{k}] should be a list of same type as "
                            f"hparam_dict[{k}].")
    infos, entries = [], []
    for k, v in hparam_dict.items():
        if v is None:
            continue
        discrete = hparam_domain_discrete.get(k)
        # (as in PyTorch, bool is tested after int, so True is the number 1.0 here)
        if isinstance(v, (int, float)):
            value, kind = _value(number=v), DATA_TYPE_FLOAT64
            domain = None if discrete is None else [_value(number=d) for d in discrete]
        elif isinstance(v, str):
            value, kind = _value(string=v), DATA_TYPE_STRING
            domain = None if discrete is None else [_value(string=d) for d in discrete]
        elif isinstance(v, Tensor):
            value, kind, domain = _value(number=float(v.reshape(-1)[0].item())), DATA_TYPE_FLOAT64, None
        else:
            raise ValueError("value should be one of int, float, str, bool, or tinygrad_edu.Tensor")
        entries.append(message_field(1, bytes_field(1, k) + message_field(2, value)))
        infos.append(_hparam_info(k, kind, domain))
    metrics = [message_field(5, message_field(1, bytes_field(2, tag))) for tag in metric_dict]
    experiment = b"".join(message_field(4, info) for info in infos) + b"".join(metrics)
    return (_summary(EXPERIMENT_TAG, message_field(2, experiment)),
            _summary(SESSION_START_INFO_TAG, message_field(3, b"".join(entries))),
            _summary(SESSION_END_INFO_TAG, message_field(4, int_field(1, STATUS_SUCCESS))))
