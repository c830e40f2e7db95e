"""The learned model: TF-IDF over jieba words of the title and lead plus the title's character n-grams, and
a pretrained encoder's features of the same text when one is installed; linear."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
from typing import TYPE_CHECKING

from crawler.classify.encoder import Encoder, reads_like
from crawler.classify.text import StoryText, words

if TYPE_CHECKING:
    from sklearn.naive_bayes import ComplementNB
    from sklearn.svm import LinearSVC

# scikit-learn and scipy are imported where a model is built or used, not with this module: a crawl
# without a trained model (every new home) would otherwise spend 0.7 s importing them.

logger = logging.getLogger(__name__)

SEPARATOR = "\x1f"   # between the title and the lead in the one string each vectorizer reads


def packed(story: StoryText) -> str:
    return f"{story.title}{SEPARATOR}{story.lead}"


def encoder_text(document: str) -> str:
    """StoryText.encoder_text of a packed document (the same string, so the encoder's cache serves both)."""
    title, _, lead = document.partition(SEPARATOR)
    return StoryText(title, lead, "").encoder_text()


def word_features(document: str) -> list[str]:
    """Title words (t:) and lead words (l:): the same word says more in the title."""
    title, _, lead = document.partition(SEPARATOR)
    return [f"t:{w}" for w in words(title)] + [f"l:{w}" for w in words(lead)]


def title_characters(document: str) -> list[str]:
    """Character 1-3-grams of the title: they survive jieba's mistakes and unseen names."""
    title = "".join(document.partition(SEPARATOR)[0].lower().split())
    return [title[i:i + n] for n in (1, 2, 3) for i in range(len(title) - n + 1)]


@dataclass
class Term:
    feature: str
    weight: float

    @property
    def text(self) -> str:
        kind, _, value = self.feature.partition(":")
        where = {"t": "title", "l": "lead", "c": "title"}.get(kind, "text")
        return f"'{value.replace('_', '')}' in the {where}"


def softmax(scores: np.ndarray, sharpness: float) -> np.ndarray:
    scaled = scores * sharpness
    scaled -= scaled.max(axis=1, keepdims=True)
    exps = np.exp(scaled)
    return exps / exps.sum(axis=1, keepdims=True)


class TextModel:
    """Sections (or relevant / not relevant) learned from editors' decisions.

    Two linear views vote: a linear SVM over the words, the character n-grams and the encoder's features
    (its margins turned into probabilities), and complement naive Bayes over the words and n-grams alone
    (strong when each class has few labels; it needs counts, which the encoder's features are not).
    Both train in seconds on ten thousand stories; encoding them is what takes time (README, "Measurements").
    """

    def __init__(self, c: float = 0.5, nb_alpha: float = 0.3, nb_share: float = 0.5, sharpness: float = 3.0,
                 encoder: Encoder | None = None, encoder_weight: float = 2.0) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.c, self.nb_alpha, self.nb_share, self.sharpness = c, nb_alpha, nb_share, sharpness
        self.words = TfidfVectorizer(analyzer=word_features, sublinear_tf=True)
        self.chars = TfidfVectorizer(analyzer=title_characters, sublinear_tf=True)
        self.svm: LinearSVC | None = None
        self.bayes: ComplementNB | None = None
        self.classes: list[str] = []
        self.encoder = encoder
        self.encoder_weight = encoder_weight
        self.encoder_identity = encoder.identity if encoder is not None else None
        self.encoder_folder = str(encoder.folder) if encoder is not None else None

    def __getstate__(self) -> dict:
        # The encoder's weights stay in its folder; a loaded model is given the encoder again (attach).
        return {**self.__dict__, "encoder": None, "_names": None}

    def __setstate__(self, state: dict) -> None:
        # Models saved before encoders existed have none.
        self.__dict__.update({"encoder": None, "encoder_weight": 0.0, "encoder_identity": None,
                              "encoder_folder": None, **state})

    def attach(self, encoder: Encoder | None) -> bool:
        """Give a loaded model its encoder back; False when it needs one and this is not the same."""
        if self.encoder_identity is None:
            return True
        if encoder is None or not reads_like(self.encoder_identity, encoder.identity):
            return False
        self.encoder = encoder
        return True

    @property
    def ready(self) -> bool:
        return self.encoder_identity is None or self.encoder is not None

    def _words_and_chars(self, documents: list[str], fit: bool = False):
        from scipy.sparse import hstack

        if fit:
            return hstack([self.words.fit_transform(documents), self.chars.fit_transform(documents)]).tocsr()
        return hstack([self.words.transform(documents), self.chars.transform(documents)]).tocsr()

    def _with_encoder(self, counts, documents: list[str]):
        if self.encoder_identity is None:
            return counts
        if self.encoder is None:
            raise RuntimeError("this model was trained with an encoder: attach() it before predicting")
        from scipy.sparse import csr_matrix, hstack

        encoded = self.encoder.features([encoder_text(d) for d in documents]) * self.encoder_weight
        return hstack([counts, csr_matrix(encoded)]).tocsr()

    def fit(self, stories: list[StoryText], labels: list[str]) -> "TextModel":
        from sklearn.naive_bayes import ComplementNB
        from sklearn.svm import LinearSVC

        if len(set(labels)) < 2:
            raise ValueError("a model needs examples of at least two different labels")
        documents = [packed(s) for s in stories]
        counts = self._words_and_chars(documents, fit=True)
        self._names = None
        self.svm = LinearSVC(C=self.c).fit(self._with_encoder(counts, documents), labels)
        self.bayes = ComplementNB(alpha=self.nb_alpha).fit(counts, labels)
        self.classes = [str(c) for c in self.svm.classes_]
        return self

    def _margins(self, matrix) -> np.ndarray:
        margins = self.svm.decision_function(matrix)
        if margins.ndim == 1:                      # two classes: one margin, positive for classes[1]
            margins = np.column_stack([-margins, margins]) / 2
        return margins

    def predict_proba(self, stories: list[StoryText]) -> np.ndarray:
        """Rows of probabilities over self.classes."""
        documents = [packed(s) for s in stories]
        counts = self._words_and_chars(documents)
        svm = softmax(self._margins(self._with_encoder(counts, documents)), self.sharpness)
        return (1 - self.nb_share) * svm + self.nb_share * self.bayes.predict_proba(counts)

    def _feature_names(self) -> np.ndarray:
        if getattr(self, "_names", None) is None:
            self._names = np.concatenate([self.words.get_feature_names_out(),
                                          np.array(["c:" + f for f in self.chars.get_feature_names_out()])])
        return self._names

    def terms(self, story: StoryText, label: str, n: int = 4) -> list[Term]:
        """The features of this story that pushed the SVM most towards label."""
        if label not in self.classes:
            return []
        row = self._words_and_chars([packed(story)]).tocoo()   # words only: encoder features are not terms
        names = self._feature_names()
        coefficients = self.svm.coef_
        if coefficients.shape[0] == 1:
            weights = coefficients[0] if label == self.classes[1] else -coefficients[0]
        else:
            weights = coefficients[self.classes.index(label)]
        contributions = sorted(((row.data[i] * weights[j], names[j]) for i, j in enumerate(row.col)
                                if row.data[i] * weights[j] > 0), reverse=True)
        # Whole words read better than character fragments; fragments fill in when words are few.
        ordered = [c for c in contributions if not c[1].startswith("c:")] + \
            [c for c in contributions if c[1].startswith("c:")]
        return [Term(name, float(w)) for w, name in ordered[:n]]
