import { gql } from '@apollo/client';

// The GraphQL documents of the app and the shapes of their answers (the schema in
// packages/server/src/graphql/schema.graphql and subscription.graphql).

export interface Counts {
  images: number;
  analysedImages: number;
  failedImages: number;
  pendingImages: number;
  faces: number;
  persons: number;
  unassignedFaces: number;
}
export interface GroupSummary {
  id: string;
  name: string;
  createdAt: string;
  counts: Counts;
}
export interface PersonCard {
  id: string;
  name: string | null;
  hidden: boolean;
  faceCount: number;
  photoCount: number;
  thumbnailUrl: string | null;
  thumbnailUrl2x: string | null;
}
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
export interface ImageCard {
  id: string;
  key: string;
  takenAt: string | null;
  createdAt: string;
  thumbnailUrl: string;
  faceCount: number;
}
export interface FaceCard {
  id: string;
  thumbnailUrl: string;
  thumbnailUrl2x: string;
  image: { id: string; takenAt: string | null };
}
export interface Job {
  id: string;
  status: 'QUEUED' | 'RUNNING' | 'GROUPING' | 'DONE';
  total: number;
  analysed: number;
  duplicates: number;
  failed: number;
  pending: number;
  progress: number;
  errors: { key: string; message: string }[];
}
export interface Connection<T> {
  totalCount: number;
  nodes: T[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const COUNTS = gql`
  fragment Counts on GroupCounts {
    images
    analysedImages
    failedImages
    pendingImages
    faces
    persons
    unassignedFaces
  }
`;

const PERSON_CARD = gql`
  fragment PersonCard on Person {
    id
    name
    hidden
    faceCount
    photoCount
    thumbnailUrl
    thumbnailUrl2x: thumbnailUrl(scale: 2)
  }
`;

const IMAGE_CARD = gql`
  fragment ImageCard on Image {
    id
    key
    takenAt
    createdAt
    thumbnailUrl
    faceCount
  }
`;

const JOB = gql`
  fragment Job on IngestJob {
    id
    status
    total
    analysed
    duplicates
    failed
    pending
    progress
    errors {
      key
      message
    }
  }
`;

export const GROUPS = gql`
  ${COUNTS}
  query Groups {
    groups(first: 200) {
      nodes {
        id
        name
        createdAt
        counts {
          ...Counts
        }
      }
    }
  }
`;
export interface GroupsData {
  groups: { nodes: GroupSummary[] };
}

export const CREATE_GROUP = gql`
  mutation CreateGroup($name: String!) {
    createGroup(name: $name) {
      id
    }
  }
`;
export const DELETE_GROUP = gql`
  mutation DeleteGroup($id: ID!) {
    deleteGroup(id: $id)
  }
`;

export const GROUP = gql`
  ${COUNTS}
  query Group($groupId: ID!) {
    group(id: $groupId) {
      id
      name
      counts {
        ...Counts
      }
    }
  }
`;
export interface GroupData {
  group: { id: string; name: string; counts: Counts };
}

export type PersonOrder = 'PHOTOS' | 'NAME' | 'RECENT';
export const PERSONS = gql`
  ${PERSON_CARD}
  query Persons($groupId: ID!, $search: String, $includeHidden: Boolean, $minFaces: Int, $orderBy: PersonOrder, $first: Int) {
    group(id: $groupId) {
      id
      persons(includeHidden: $includeHidden, search: $search, minFaces: $minFaces, orderBy: $orderBy, first: $first) {
        totalCount
        nodes {
          ...PersonCard
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`;
export interface PersonsData {
  group: { id: string; persons: Connection<PersonCard> };
}

export const PERSON = gql`
  ${PERSON_CARD}
  ${IMAGE_CARD}
  query Person($personId: ID!) {
    node(id: $personId) {
      id
      ... on Person {
        ...PersonCard
        sheetUrl
        coverFace {
          id
        }
        faces(first: 500) {
          totalCount
          nodes {
            id
            thumbnailUrl
            thumbnailUrl2x: thumbnailUrl(scale: 2)
            image {
              id
              takenAt
            }
          }
        }
        images(orderBy: TAKEN, first: 500) {
          totalCount
          nodes {
            ...ImageCard
          }
        }
      }
    }
  }
`;
export interface PersonDetail extends PersonCard {
  sheetUrl: string;
  coverFace: { id: string } | null;
  faces: { totalCount: number; nodes: FaceCard[] };
  images: { totalCount: number; nodes: ImageCard[] };
}
export interface PersonData {
  node: (PersonDetail & { __typename: 'Person' }) | { __typename: string; id: string } | null;
}

export const RENAME_PERSON = gql`
  mutation RenamePerson($personId: ID!, $name: String) {
    renamePerson(personId: $personId, name: $name) {
      id
      name
    }
  }
`;
export const SET_HIDDEN = gql`
  mutation SetHidden($personId: ID!, $hidden: Boolean!) {
    setPersonHidden(personId: $personId, hidden: $hidden) {
      id
      hidden
    }
  }
`;
export const SET_COVER = gql`
  mutation SetCover($personId: ID!, $faceId: ID!) {
    setCoverFace(personId: $personId, faceId: $faceId) {
      id
      thumbnailUrl
      thumbnailUrl2x: thumbnailUrl(scale: 2)
      coverFace {
        id
      }
    }
  }
`;
export const FORGET_PERSON = gql`
  mutation ForgetPerson($id: ID!) {
    forgetPerson(id: $id) {
      personId
      forgottenFaces
    }
  }
`;
export const MERGE_PERSONS = gql`
  mutation MergePersons($targetId: ID!, $sourceIds: [ID!]!) {
    mergePersons(targetId: $targetId, sourceIds: $sourceIds) {
      person {
        id
      }
      removedPersonIds
    }
  }
`;
export interface MergeData {
  mergePersons: { person: { id: string }; removedPersonIds: string[] };
}
export const MOVE_FACES = gql`
  mutation MoveFaces($faceIds: [ID!]!, $personId: ID) {
    moveFaces(faceIds: $faceIds, personId: $personId) {
      person {
        id
      }
      removedPersonIds
    }
  }
`;
export interface MoveData {
  moveFaces: { person: { id: string }; removedPersonIds: string[] };
}
export const NOT_THIS_PERSON = gql`
  mutation NotThisPerson($faceId: ID!) {
    markNotThisPerson(faceId: $faceId) {
      id
    }
  }
`;
export const MARK_DIFFERENT = gql`
  mutation MarkDifferent($a: ID!, $b: ID!) {
    markDifferentPersons(a: $a, b: $b) {
      id
    }
  }
`;

export const SUGGESTIONS = gql`
  ${PERSON_CARD}
  query Suggestions($groupId: ID!) {
    group(id: $groupId) {
      id
      mergeSuggestions(first: 20) {
        similarity
        a {
          ...PersonCard
        }
        b {
          ...PersonCard
        }
      }
    }
  }
`;
export interface SuggestionsData {
  group: { id: string; mergeSuggestions: { similarity: number; a: PersonCard; b: PersonCard }[] };
}

export const UNASSIGNED = gql`
  ${PERSON_CARD}
  query Unassigned($groupId: ID!) {
    group(id: $groupId) {
      id
      unassignedFaces(first: 200) {
        totalCount
        nodes {
          id
          thumbnailUrl
          thumbnailUrl2x: thumbnailUrl(scale: 2)
          image {
            id
          }
          unassigned {
            reasons
            similarity
            threshold
            nearestPerson {
              ...PersonCard
            }
          }
        }
      }
    }
  }
`;
export interface UnassignedFace {
  id: string;
  thumbnailUrl: string;
  thumbnailUrl2x: string;
  image: { id: string };
  unassigned: { reasons: string[]; similarity: number | null; threshold: number; nearestPerson: PersonCard | null } | null;
}
export interface UnassignedData {
  group: { id: string; unassignedFaces: { totalCount: number; nodes: UnassignedFace[] } };
}

export type PersonMatch = 'ALL' | 'ANY';
export const IMAGES = gql`
  ${IMAGE_CARD}
  query Images($groupId: ID!, $personIds: [ID!], $match: PersonMatch, $orderBy: ImageOrder, $first: Int) {
    group(id: $groupId) {
      id
      images(personIds: $personIds, match: $match, orderBy: $orderBy, first: $first) {
        totalCount
        nodes {
          ...ImageCard
        }
      }
    }
  }
`;
export interface ImagesData {
  group: { id: string; images: { totalCount: number; nodes: ImageCard[] } };
}

export const VIEWER_IMAGE = gql`
  query ViewerImage($id: ID!) {
    node(id: $id) {
      id
      ... on Image {
        key
        width
        height
        takenAt
        viewerUrl
        originalUrl
        faces {
          id
          box {
            x
            y
            width
            height
          }
          person {
            id
            name
          }
        }
      }
    }
  }
`;
export interface ViewerImage {
  __typename: 'Image';
  id: string;
  key: string;
  width: number | null;
  height: number | null;
  takenAt: string | null;
  viewerUrl: string;
  originalUrl: string;
  faces: { id: string; box: Box; person: { id: string; name: string | null } | null }[];
}
export interface ViewerImageData {
  node: ViewerImage | { __typename: string; id: string } | null;
}
export const DELETE_IMAGES = gql`
  mutation DeleteImages($ids: [ID!]!) {
    deleteImages(ids: $ids) {
      imageIds
      removedPersonIds
    }
  }
`;
export interface DeleteImagesData {
  deleteImages: { imageIds: string[]; removedPersonIds: string[] };
}

export const CORRECTIONS = gql`
  query Corrections($groupId: ID!) {
    group(id: $groupId) {
      id
      corrections(first: 100) {
        totalCount
        nodes {
          id
          kind
          summary
          createdAt
          undoneAt
          person {
            id
            name
          }
        }
      }
    }
  }
`;
export interface Correction {
  id: string;
  kind: string;
  summary: string;
  createdAt: string;
  undoneAt: string | null;
  person: { id: string; name: string | null } | null;
}
export interface CorrectionsData {
  group: { id: string; corrections: { totalCount: number; nodes: Correction[] } };
}
export const UNDO = gql`
  mutation Undo($id: ID!) {
    undoCorrection(id: $id) {
      id
      undoneAt
    }
  }
`;

export const PICTURES = gql`
  query Pictures($groupId: ID!) {
    group(id: $groupId) {
      id
      overviewSheetUrl
      unassignedSheetUrl
      embeddingMapUrl(format: PNG)
      embeddingMapSvgUrl: embeddingMapUrl(format: SVG)
    }
  }
`;
export interface PicturesData {
  group: {
    id: string;
    overviewSheetUrl: string;
    unassignedSheetUrl: string;
    embeddingMapUrl: string;
    embeddingMapSvgUrl: string;
  };
}

export const JOB_QUERY = gql`
  ${JOB}
  query Job($jobId: ID!) {
    job(id: $jobId) {
      ...Job
    }
  }
`;
export const JOB_PROGRESS = gql`
  ${JOB}
  subscription JobProgress($jobId: ID!) {
    jobProgress(jobId: $jobId) {
      ...Job
    }
  }
`;
export interface JobProgressData {
  jobProgress: Job;
}

export const GROUP_EVENTS = gql`
  subscription GroupEvents($groupId: ID!) {
    groupEvents(groupId: $groupId) {
      kind
      personIds
    }
  }
`;
export interface GroupEventsData {
  groupEvents: { kind: string; personIds: string[] };
}
