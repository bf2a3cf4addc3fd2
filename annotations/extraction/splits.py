"""The fixed development / held-aside split of every annotated data set.

Accuracy measured on what the engine was tuned or trained on is not the product's
accuracy. Each data set keeps a fixed part aside that nothing is ever tuned or trained on;
evaluation reports both parts and the gap. The split depends only on the article id, so it
is the same on every machine, for every command, whatever order the file is in.
"""

import hashlib

# One article in HELD_ASIDE_EVERY[dataset] is held aside (ggt_dev: 12 of 39; polnear_train:
# 171 of 840). The GGT set is small, so a larger share of it is kept aside.
HELD_ASIDE_EVERY = {"ggt_dev": 3, "polnear_train": 5}


def is_held_aside(article_id: str, dataset: str) -> bool:
    """Whether `article_id` of `dataset` belongs to the part that is never tuned on."""
    digest = hashlib.sha256(str(article_id).encode()).hexdigest()
    return int(digest, 16) % HELD_ASIDE_EVERY.get(dataset, 5) == 0


def dataset_of(path: str) -> str:
    """The data set a file name belongs to: 'ggt_dev', 'polnear_train', or its stem."""
    name = path.rsplit("/", 1)[-1]
    for dataset in HELD_ASIDE_EVERY:
        if name.startswith(dataset):
            return dataset
    return name.split(".", 1)[0]
