"""The learned model: TF-IDF over jieba words of the title and lead plus the title's character n-grams, linear."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.naive_bayes import ComplementNB
from sklearn.svm import LinearSVC

from crawler.classify.text import StoryText, words

logger = logging.getLogger(__name__)

SEPARATOR = "\x1f"   # between the title and the lead in the one string each vectorizer reads


def packed(story: StoryText) -> str:
    return f"{story.title}{SEPARATOR}{story.lead}"


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

    Two linear views of the same features vote: a linear SVM (its margins turned into
    probabilities) and complement naive Bayes (strong when each class has few labels).
    Both train in a second or two on ten thousand stories.
    """

    def __init__(self, c: float = 0.5, nb_alpha: float = 0.3, nb_share: float = 0.5, sharpness: float = 3.0) -> None:
        self.c, self.nb_alpha, self.nb_share, self.sharpness = c, nb_alpha, nb_share, sharpness
        self.words = TfidfVectorizer(analyzer=word_features, sublinear_tf=True)
        self.chars = TfidfVectorizer(analyzer=title_characters, sublinear_tf=True)
        self.svm: LinearSVC | None = None
        self.bayes: ComplementNB | None = None
        self.classes: list[str] = []

    def _matrix(self, documents: list[str], fit: bool = False):
        if fit:
            return hstack([self.words.fit_transform(documents), self.chars.fit_transform(documents)]).tocsr()
        return hstack([self.words.transform(documents), self.chars.transform(documents)]).tocsr()

    def fit(self, stories: list[StoryText], labels: list[str]) -> "TextModel":
        if len(set(labels)) < 2:
            raise ValueError("a model needs examples of at least two different labels")
        matrix = self._matrix([packed(s) for s in stories], fit=True)
        self._names = None
        self.svm = LinearSVC(C=self.c).fit(matrix, labels)
        self.bayes = ComplementNB(alpha=self.nb_alpha).fit(matrix, labels)
        self.classes = [str(c) for c in self.svm.classes_]
        return self

    def _margins(self, matrix) -> np.ndarray:
        margins = self.svm.decision_function(matrix)
        if margins.ndim == 1:                      # two classes: one margin, positive for classes[1]
            margins = np.column_stack([-margins, margins]) / 2
        return margins

    def predict_proba(self, stories: list[StoryText]) -> np.ndarray:
        """Rows of probabilities over self.classes."""
        matrix = self._matrix([packed(s) for s in stories])
        svm = softmax(self._margins(matrix), self.sharpness)
        return (1 - self.nb_share) * svm + self.nb_share * self.bayes.predict_proba(matrix)

    def _feature_names(self) -> np.ndarray:
        if getattr(self, "_names", None) is None:
            self._names = np.concatenate([self.words.get_feature_names_out(),
                                          np.array(["c:" + f for f in self.chars.get_feature_names_out()])])
        return self._names

    def terms(self, story: StoryText, label: str, n: int = 4) -> list[Term]:
        """The features of this story that pushed the SVM most towards label."""
        if label not in self.classes:
            return []
        row = self._matrix([packed(story)]).tocoo()
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
