"""Contains all the data models used in inputs/outputs"""

from .access_view import AccessView
from .answer_out import AnswerOut
from .apdu_in import ApduIn
from .apdu_out import ApduOut
from .application_request import ApplicationRequest
from .application_view import ApplicationView
from .arrival_request import ArrivalRequest
from .arrival_view import ArrivalView
from .authenticated_response import AuthenticatedResponse
from .card_answer_request import CardAnswerRequest
from .card_signed import CardSigned
from .card_status_changed import CardStatusChanged
from .card_status_view import CardStatusView
from .card_status_view_tries_left import CardStatusViewTriesLeft
from .card_taken_out import CardTakenOut
from .card_usable import CardUsable
from .certificates_renewed import CertificatesRenewed
from .challenge_out import ChallengeOut
from .challenge_response import ChallengeResponse
from .channel import Channel
from .chip_updated import ChipUpdated
from .client_application_request import ClientApplicationRequest
from .client_application_request_jwks_type_0 import ClientApplicationRequestJwksType0
from .client_auth_method import ClientAuthMethod
from .client_response import ClientResponse
from .clock_move import ClockMove
from .clock_moved import ClockMoved
from .clock_view import ClockView
from .collect_in import CollectIn
from .collect_out import CollectOut
from .collect_request import CollectRequest
from .collection import Collection
from .consent import Consent
from .consent_body import ConsentBody
from .consent_in import ConsentIn
from .data_in import DataIn
from .decision import Decision
from .delivery_failure import DeliveryFailure
from .discovery_response import DiscoveryResponse
from .employee_in import EmployeeIn
from .employee_number_changed import EmployeeNumberChanged
from .employee_view import EmployeeView
from .employer_withholding_slip_copy import EmployerWithholdingSlipCopy
from .end_in import EndIn
from .endorsement_line import EndorsementLine
from .enrolment_in import EnrolmentIn
from .enrolment_out import EnrolmentOut
from .express_reason import ExpressReason
from .face_check import FaceCheck
from .field_problem import FieldProblem
from .hand_over_request import HandOverRequest
from .health_response import HealthResponse
from .history_view import HistoryView
from .id_document import IdDocument
from .identity_request import IdentityRequest
from .income_class import IncomeClass
from .income_in import IncomeIn
from .insurance_use_cancelled_out import InsuranceUseCancelledOut
from .insurance_use_channel import InsuranceUseChannel
from .insurance_use_in import InsuranceUseIn
from .insurance_use_out import InsuranceUseOut
from .insured_number_changed import InsuredNumberChanged
from .insurer_checkup_in import InsurerCheckupIn
from .insurer_checkup_in_results import InsurerCheckupInResults
from .insurer_kind import InsurerKind
from .issue_request import IssueRequest
from .job_report import JobReport
from .jwks_response import JwksResponse
from .jwks_response_keys_item import JwksResponseKeysItem
from .kiosk_challenge_response import KioskChallengeResponse
from .kiosk_reset_request import KioskResetRequest
from .kiosk_step import KioskStep
from .leaving_in import LeavingIn
from .letter_check import LetterCheck
from .letter_handed_over_response import LetterHandedOverResponse
from .letter_in import LetterIn
from .letter_out import LetterOut
from .letter_reason import LetterReason
from .letter_reissued_response import LetterReissuedResponse
from .letter_request_out import LetterRequestOut
from .liveness import Liveness
from .loss_reason import LossReason
from .mail_returned_response import MailReturnedResponse
from .mail_view import MailView
from .medicine_in import MedicineIn
from .moved_out_response import MovedOutResponse
from .moved_within_response import MovedWithinResponse
from .moving_in_request import MovingInRequest
from .moving_in_response import MovingInResponse
from .moving_out_request import MovingOutRequest
from .moving_within_request import MovingWithinRequest
from .nonce_in import NonceIn
from .number_change_ground import NumberChangeGround
from .number_change_request import NumberChangeRequest
from .number_changed_response import NumberChangedResponse
from .number_proof import NumberProof
from .number_response import NumberResponse
from .o_auth_error import OAuthError
from .online_application_request import OnlineApplicationRequest
from .online_moving_out_request import OnlineMovingOutRequest
from .online_moving_out_response import OnlineMovingOutResponse
from .organisation_in import OrganisationIn
from .organisation_kind import OrganisationKind
from .organisation_out import OrganisationOut
from .paid_when import PaidWhen
from .pay_in import PayIn
from .pay_out import PayOut
from .pin_check import PinCheck
from .pin_kind import PinKind
from .pin_reset import PinReset
from .pre_application_request import PreApplicationRequest
from .pre_applied import PreApplied
from .prescription_in import PrescriptionIn
from .problem import Problem
from .proxy_request import ProxyRequest
from .purpose_request import PurposeRequest
from .read_in import ReadIn
from .read_out import ReadOut
from .readiness import Readiness
from .receipt_response import ReceiptResponse
from .record_kind import RecordKind
from .record_view import RecordView
from .record_view_content import RecordViewContent
from .reissue_reason import ReissueReason
from .relation import Relation
from .representative_request import RepresentativeRequest
from .reset_request import ResetRequest
from .residence_card_recorded import ResidenceCardRecorded
from .residence_card_request import ResidenceCardRequest
from .resident_token_response import ResidentTokenResponse
from .resident_view import ResidentView
from .returned_request import ReturnedRequest
from .review_request import ReviewRequest
from .sample_photo import SamplePhoto
from .scope import Scope
from .sex import Sex
from .special_residence_card_response import SpecialResidenceCardResponse
from .staff_in import StaffIn
from .staff_out import StaffOut
from .staff_role import StaffRole
from .stay_grant_request import StayGrantRequest
from .suspension_lifted import SuspensionLifted
from .token_response import TokenResponse
from .use_request import UseRequest
from .user_info_response import UserInfoResponse
from .user_info_response_document_signature_type_0 import UserInfoResponseDocumentSignatureType0
from .validate_request import ValidateRequest
from .validate_response import ValidateResponse
from .validity_changed import ValidityChanged
from .validity_extended import ValidityExtended
from .validity_request import ValidityRequest
from .visit_checkup_in import VisitCheckupIn
from .visit_checkup_in_results import VisitCheckupInResults
from .visual_check import VisualCheck

__all__ = (
    "AccessView",
    "AnswerOut",
    "ApduIn",
    "ApduOut",
    "ApplicationRequest",
    "ApplicationView",
    "ArrivalRequest",
    "ArrivalView",
    "AuthenticatedResponse",
    "CardAnswerRequest",
    "CardSigned",
    "CardStatusChanged",
    "CardStatusView",
    "CardStatusViewTriesLeft",
    "CardTakenOut",
    "CardUsable",
    "CertificatesRenewed",
    "ChallengeOut",
    "ChallengeResponse",
    "Channel",
    "ChipUpdated",
    "ClientApplicationRequest",
    "ClientApplicationRequestJwksType0",
    "ClientAuthMethod",
    "ClientResponse",
    "ClockMove",
    "ClockMoved",
    "ClockView",
    "CollectIn",
    "Collection",
    "CollectOut",
    "CollectRequest",
    "Consent",
    "ConsentBody",
    "ConsentIn",
    "DataIn",
    "Decision",
    "DeliveryFailure",
    "DiscoveryResponse",
    "EmployeeIn",
    "EmployeeNumberChanged",
    "EmployeeView",
    "EmployerWithholdingSlipCopy",
    "EndIn",
    "EndorsementLine",
    "EnrolmentIn",
    "EnrolmentOut",
    "ExpressReason",
    "FaceCheck",
    "FieldProblem",
    "HandOverRequest",
    "HealthResponse",
    "HistoryView",
    "IdDocument",
    "IdentityRequest",
    "IncomeClass",
    "IncomeIn",
    "InsuranceUseCancelledOut",
    "InsuranceUseChannel",
    "InsuranceUseIn",
    "InsuranceUseOut",
    "InsuredNumberChanged",
    "InsurerCheckupIn",
    "InsurerCheckupInResults",
    "InsurerKind",
    "IssueRequest",
    "JobReport",
    "JwksResponse",
    "JwksResponseKeysItem",
    "KioskChallengeResponse",
    "KioskResetRequest",
    "KioskStep",
    "LeavingIn",
    "LetterCheck",
    "LetterHandedOverResponse",
    "LetterIn",
    "LetterOut",
    "LetterReason",
    "LetterReissuedResponse",
    "LetterRequestOut",
    "Liveness",
    "LossReason",
    "MailReturnedResponse",
    "MailView",
    "MedicineIn",
    "MovedOutResponse",
    "MovedWithinResponse",
    "MovingInRequest",
    "MovingInResponse",
    "MovingOutRequest",
    "MovingWithinRequest",
    "NonceIn",
    "NumberChangedResponse",
    "NumberChangeGround",
    "NumberChangeRequest",
    "NumberProof",
    "NumberResponse",
    "OAuthError",
    "OnlineApplicationRequest",
    "OnlineMovingOutRequest",
    "OnlineMovingOutResponse",
    "OrganisationIn",
    "OrganisationKind",
    "OrganisationOut",
    "PaidWhen",
    "PayIn",
    "PayOut",
    "PinCheck",
    "PinKind",
    "PinReset",
    "PreApplicationRequest",
    "PreApplied",
    "PrescriptionIn",
    "Problem",
    "ProxyRequest",
    "PurposeRequest",
    "ReadIn",
    "Readiness",
    "ReadOut",
    "ReceiptResponse",
    "RecordKind",
    "RecordView",
    "RecordViewContent",
    "ReissueReason",
    "Relation",
    "RepresentativeRequest",
    "ResetRequest",
    "ResidenceCardRecorded",
    "ResidenceCardRequest",
    "ResidentTokenResponse",
    "ResidentView",
    "ReturnedRequest",
    "ReviewRequest",
    "SamplePhoto",
    "Scope",
    "Sex",
    "SpecialResidenceCardResponse",
    "StaffIn",
    "StaffOut",
    "StaffRole",
    "StayGrantRequest",
    "SuspensionLifted",
    "TokenResponse",
    "UseRequest",
    "UserInfoResponse",
    "UserInfoResponseDocumentSignatureType0",
    "ValidateRequest",
    "ValidateResponse",
    "ValidityChanged",
    "ValidityExtended",
    "ValidityRequest",
    "VisitCheckupIn",
    "VisitCheckupInResults",
    "VisualCheck",
)
