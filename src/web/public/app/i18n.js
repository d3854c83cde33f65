// @ts-check
// Every word the app shows, Vietnamese first (DOMAIN.md terms), English second.
// Dates are dd/MM/yyyy in Vietnam time whatever the phone's settings.
/** @import { Lang } from './types' */

const VI = {
  app: 'Liên thông văn bản', appShort: 'Liên thông', loading: 'Đang tải…', retry: 'Thử lại', back: 'Quay lại', cancel: 'Hủy', save: 'Lưu', close: 'Đóng',
  langToggle: 'English', langToggleLabel: 'EN — Chuyển sang tiếng Anh',
  login: 'Đăng nhập', username: 'Tên đăng nhập', password: 'Mật khẩu', loginFailed: 'Sai tên đăng nhập hoặc mật khẩu', logout: 'Đăng xuất',
  navInbox: 'Văn bản đến', navOutbox: 'Văn bản đi', navNew: 'Soạn mới', navWork: 'Công việc', navMenu: 'Tài khoản',
  online: 'Đã kết nối', offline: 'Ngoại tuyến — đang xem bản đã lưu', reconnecting: 'Mất kết nối — đang thử lại…',
  refresh: 'Làm mới', pullToRefresh: 'Kéo xuống để làm mới', releaseToRefresh: 'Thả tay để làm mới', empty: 'Chưa có văn bản nào',
  more: 'Xem thêm', unread: 'Chưa xem', read: 'Đã xem', acknowledged: 'Đã nhận', ackButton: 'Đã nhận', ackAndOpen: 'Đã nhận, mở văn bản',
  alarmTitle: 'VĂN BẢN HỎA TỐC', alarmHint: 'Bấm "Đã nhận" để báo cho nơi gửi biết đơn vị đã nhận văn bản.', alarmCount: 'Còn {n} văn bản hỏa tốc chưa nhận',
  from: 'Nơi gửi', received: 'Ngày đến', issuedAt: 'Ngày ban hành', dueDate: 'Hạn xử lý', incomingNumber: 'Số đến', notation: 'Số, ký hiệu',
  'urgency.normal': 'Thường', 'urgency.urgent': 'Khẩn', 'urgency.very_urgent': 'Thượng khẩn', 'urgency.flash': 'Hỏa tốc',
  'secrecy.none': 'Không mật', 'secrecy.confidential': 'Mật', 'secrecy.secret': 'Tối mật', 'secrecy.top_secret': 'Tuyệt mật',
  'status.delivered': 'Đã đến', 'status.refused': 'Đã từ chối', 'status.accepted': 'Đã tiếp nhận', 'status.assigned': 'Đã phân công',
  'status.in_progress': 'Đang xử lý', 'status.completed': 'Hoàn thành', 'status.recalled': 'Đã thu hồi',
  'doc.draft': 'Dự thảo', 'doc.issued': 'Đã ban hành', 'doc.recalled': 'Đã thu hồi',
  'work.open': 'Chưa xử lý', 'work.in_progress': 'Đang xử lý', 'work.done': 'Hoàn thành', 'work.cancelled': 'Đã hủy',
  sigValid: 'Chữ ký hợp lệ', sigIndeterminate: 'Chữ ký đúng, chưa kiểm tra được tình trạng thu hồi chứng thư', sigRevoked: 'Chữ ký không hợp lệ — chứng thư số đã bị thu hồi', sigInvalid: 'Chữ ký không hợp lệ — văn bản đã bị thay đổi sau khi ký', sigUntrusted: 'Chữ ký chưa được xác thực (chứng thư không thuộc tổ chức tin cậy)',
  sigNone: 'Chưa được ký số', sigAt: 'ký lúc', sigDetails: 'Chi tiết chữ ký',
  page: 'Trang {n}/{total}', prevPage: 'Trang trước', nextPage: 'Trang sau', pdfLoading: 'Đang tải trang…', pdfError: 'Không mở được tệp PDF',
  offlineCopy: 'Đang xem bản lưu trên máy', notCachedOffline: 'Văn bản này chưa được tải về máy, cần có mạng để mở lần đầu', files: 'Tệp đính kèm',
  mainFile: 'Văn bản chính', appendix: 'Phụ lục', canvasLabel: 'Trang {n} của văn bản {name}',
  readerTools: 'Cỡ chữ và cách xem', zoomOut: 'Thu nhỏ', zoomIn: 'Phóng to', fitWidth: 'Vừa khổ', bigText: 'Chữ lớn', sharpPage: 'Bản gốc',
  bigTextPending: 'Đang đọc chữ của văn bản này (bản chụp cần vài phút). Xin xem lại sau.', bigTextNone: 'Tệp này không có chữ đọc được: hãy xem trang và phóng to.',
  bigTextOcr: 'Chữ được nhận dạng tự động từ bản chụp, có thể sai sót: đối chiếu với văn bản gốc.',
  accept: 'Tiếp nhận, vào sổ', refuse: 'Từ chối', refuseReason: 'Lý do từ chối', accepted: 'Đã vào sổ, số đến {n}',
  direction: 'Bút phê (ý kiến chỉ đạo)', lead: 'Đơn vị chủ trì', cooperating: 'Đơn vị phối hợp', deadline: 'Hạn xử lý', assign: 'Giao việc',
  assigned: 'Đã giao việc', chooseLead: 'Chọn đơn vị chủ trì',
  sign: 'Ký số', signServer: 'Ký bằng chứng thư lưu trên máy chủ', signToken: 'Ký bằng USB token (2 bước)', signed: 'Đã ký số',
  tokenCert: 'Chứng thư số của token (tệp .cer/.pem)', tokenPrepare: 'Lấy dữ liệu cần ký', tokenData: 'Dữ liệu cần ký (base64) — ký bằng phần mềm của token',
  tokenSignature: 'Chữ ký (base64) từ token', tokenChain: 'Chứng thư trung gian (PEM, nếu có)', tokenComplete: 'Hoàn tất ký', copy: 'Sao chép', copied: 'Đã sao chép',
  issue: 'Cấp số và ban hành', issued: 'Đã ban hành: {notation}', tracking: 'Theo dõi nơi nhận', confirmIssue: 'Ban hành văn bản tới {n} đơn vị?',
  trackingTitle: 'Tình hình xử lý ở nơi nhận', escalated: 'Đã báo lãnh đạo',
  newDoc: 'Soạn văn bản đi', type: 'Loại văn bản', subject: 'Trích yếu', urgency: 'Độ khẩn', secrecy: 'Độ mật', recipients: 'Nơi nhận',
  secretWarning: 'Văn bản mật chỉ được đăng ký, không được gửi qua mạng.', chooseFiles: 'Tệp PDF (tệp đầu là văn bản chính)',
  createDraft: 'Lưu dự thảo và tải tệp lên', uploading: 'Đang tải lên {name}', uploadDone: 'Đã tải lên', needSubject: 'Cần nhập trích yếu', needRecipients: 'Cần chọn nơi nhận',
  searchUnits: 'Tìm đơn vị (không cần dấu)', selected: 'Đã chọn {n} đơn vị', remove: 'Bỏ {name}', expand: 'Mở {name}', collapse: 'Thu gọn {name}',
  tooMany: 'Hiện {shown}/{total} kết quả — gõ thêm để lọc', noMatch: 'Không tìm thấy đơn vị', selectAllBelow: 'Chọn cả {n} đơn vị trực thuộc',
  workMine: 'Việc của tôi', workOverdue: 'Quá hạn', workUnit: 'Việc của đơn vị', overdue: 'Quá hạn', noWork: 'Không có việc nào', assignee: 'Người/đơn vị xử lý',
  report: 'Báo cáo tiến độ', reportNote: 'Nội dung báo cáo', reportDone: 'Đã hoàn thành', sent: 'Đã gửi',
  account: 'Tài khoản', language: 'Ngôn ngữ', push: 'Nhận thông báo trên máy này', pushOn: 'Đã bật thông báo', pushUnsupported: 'Trình duyệt này không hỗ trợ thông báo đẩy',
  install: 'Cài ứng dụng lên màn hình chính', roles: 'Vai trò', 'role.clerk': 'Văn thư', 'role.leader': 'Lãnh đạo', 'role.officer': 'Chuyên viên', 'role.admin': 'Quản trị',
  error: 'Có lỗi: {message}', networkError: 'Không kết nối được máy chủ', outboxEmpty: 'Chưa có văn bản đi', drafts: 'Dự thảo',
  newDelivery: 'Văn bản mới: {subject}', signersLabel: 'Người ký', needAccept: 'Văn thư cần tiếp nhận (vào sổ) văn bản trước khi giao việc.',
  otherSystem: 'hệ thống khác', otherSystems: 'Đơn vị của hệ thống khác (liên thông)', interSystem: 'Liên thông',
  interSystemFrom: 'Liên thông — {system}', systemUnits: '{n} đơn vị',
  headerSigned: 'Gói tin có chữ ký số của cơ quan gửi', headerUnsigned: 'Gói tin không có chữ ký số',
  headerInvalid: 'Chữ ký số của gói tin không hợp lệ', headerUntrusted: 'Gói tin có chữ ký số nhưng chứng thư chưa được tin cậy',
  'transport.queued': 'đang chuyển', 'transport.sent': 'đang chuyển', 'transport.delivered': 'đã chuyển', 'transport.failed': 'lỗi chuyển',
  logoutConfirm: 'Đăng xuất khỏi máy này?', changePassword: 'Đổi mật khẩu', currentPassword: 'Mật khẩu hiện tại', newPassword: 'Mật khẩu mới (ít nhất 8 ký tự)',
  passwordChanged: 'Đã đổi mật khẩu; các phiên đăng nhập khác đã kết thúc', admin: 'Quản trị', adminOpen: 'Quản trị đơn vị và tài khoản',
  adminUnits: 'Đơn vị', adminUsers: 'Tài khoản', newUnit: 'Thêm đơn vị', unitCode: 'Mã định danh', unitName: 'Tên đơn vị', unitShortName: 'Tên viết tắt',
  unitKind: 'Loại đơn vị', parentUnit: 'Đơn vị cấp trên', noParent: '— Không có —', 'kind.party': 'Tổ chức Đảng', 'kind.council': 'Hội đồng nhân dân',
  'kind.government': 'Chính quyền', 'kind.department': 'Phòng, ban', 'kind.school': 'Trường học', 'kind.other': 'Khác',
  newUser: 'Thêm tài khoản', fullName: 'Họ và tên', jobTitle: 'Chức vụ', unit: 'Đơn vị', position: 'Vị trí lãnh đạo',
  'position.none': 'Không', 'position.head': 'Cấp trưởng', 'position.deputy': 'Cấp phó', 'position.acting': 'Quyền', 'position.by_order': 'Thừa lệnh',
  allUnits: 'Tất cả đơn vị', filterUnit: 'Lọc theo đơn vị', disable: 'Khóa tài khoản', enable: 'Mở khóa', disabled: 'Đã khóa', resetPassword: 'Đặt lại mật khẩu',
  edit: 'Sửa', saved: 'Đã lưu', created: 'Đã tạo', confirmDisable: 'Khóa tài khoản {name}? Người này bị đăng xuất ngay.', confirm: 'Xác nhận',
  userCount: '{n} tài khoản', sessionsEndNote: 'Đổi vai trò hoặc đơn vị sẽ đăng xuất người này.', noUsers: 'Chưa có tài khoản nào', needRole: 'Chọn ít nhất một vai trò',
  newPasswordFor: 'Mật khẩu mới cho {name}', editUser: 'Sửa tài khoản {name}', searchUsers: 'Tìm theo tên hoặc tên đăng nhập',
  transportLabel: 'Chuyển qua trục liên thông', viaAxisNote: '{n} nơi nhận thuộc hệ thống khác: văn bản sẽ được chuyển qua trục liên thông.', transportReason: 'Lý do lỗi chuyển: {reason}',
  // Trình ký (drafts-flow: drafts.js, draft-view.js, compose.js, outbox.js, the sign panel).
  navAwaiting: 'Trình ký', awaitingTitle: 'Chờ tôi xử lý', awaitingEmpty: 'Không có dự thảo nào chờ bạn xử lý', awaitingCount: '{n} dự thảo chờ bạn xử lý',
  awaitingFrom: 'Từ: {name}', newAwaiting: 'Dự thảo chờ bạn xử lý: {subject}',
  'flow.drafting': 'Đang soạn', 'flow.review': 'Chờ trưởng phòng duyệt', 'flow.signing': 'Chờ lãnh đạo ký', 'flow.signed': 'Đã ký, chờ văn thư cấp số', 'flow.returned': 'Bị trả lại',
  flowTitle: 'Trình ký', turnYou: 'Đến lượt bạn xử lý', turnOf: 'Đang chờ: {name}', turnClerk: 'Đang chờ: văn thư',
  'todo.drafting': 'Hoàn thiện dự thảo, tải tệp lên rồi trình duyệt hoặc trình ký.', 'todo.returned': 'Sửa theo ý kiến, tải bản mới lên rồi trình lại.',
  'todo.review': 'Xem dự thảo: chuyển lãnh đạo ký, hoặc trả lại kèm ý kiến.', 'todo.signing': 'Xem dự thảo: ký số, hoặc trả lại kèm ý kiến.',
  'todo.signed': 'Văn thư cấp số và ban hành.', 'todo.wait': 'Chưa đến lượt bạn.',
  submitDraft: 'Trình', submitTo: 'Trình cho', chooseReviewer: 'Chọn người duyệt hoặc người ký', approveDraft: 'Chuyển lãnh đạo ký', approveTo: 'Chuyển cho',
  chooseSigner: 'Chọn lãnh đạo ký', returnDraft: 'Trả lại', returnComment: 'Ý kiến khi trả lại (bắt buộc)', commentOptional: 'Ý kiến kèm theo (không bắt buộc)',
  addComment: 'Gửi ý kiến', commentText: 'Ý kiến về dự thảo', needComment: 'Cần nhập ý kiến', submittedTo: 'Đã trình {name}', approvedTo: 'Đã chuyển {name}',
  returnedDone: 'Đã trả lại dự thảo', commentSent: 'Đã gửi ý kiến', noCandidates: 'Không tìm thấy người duyệt hoặc người ký', candidateUnit: '{name} — {unit}',
  redirectedTo: 'Chuyển đến {unit} (đơn vị cũ đã sáp nhập: {from})',
  timeline: 'Quá trình xử lý', 'ev.document.drafted': 'Tạo dự thảo', 'ev.document.submitted': 'Trình', 'ev.document.approved': 'Chuyển ký',
  'ev.document.returned': 'Trả lại', 'ev.document.commented': 'Ý kiến', 'ev.document.signed': 'Ký số', 'ev.document.issued': 'Cấp số, ban hành',
  'ev.document.edited': 'Sửa dự thảo', 'ev.document.updated': 'Sửa dự thảo', 'ev.file.uploaded': 'Tải tệp lên', 'ev.document.files_added': 'Tải tệp lên', 'ev.other': 'Cập nhật',
  evTo: 'tới {name}', versions: 'Các bản của văn bản chính', versionOpen: 'Xem bản {n}', currentVersion: 'bản hiện tại',
  uploadVersion: 'Tải lên bản mới của văn bản chính (PDF)', uploadFiles: 'Tải tệp lên (PDF, tệp đầu là văn bản chính)', versionUploaded: 'Đã tải lên bản mới', uploadButton: 'Tải lên',
  editDraft: 'Sửa dự thảo', saveChanges: 'Lưu thay đổi', deleteDraft: 'Xóa dự thảo', confirmDelete: 'Xóa dự thảo "{subject}"? Không thể khôi phục.', deleted: 'Đã xóa dự thảo',
  signOptions: 'Tùy chọn nâng cao', competence: 'Thẩm quyền ký', 'competence.default': 'Theo vị trí của người ký', 'competence.TM': 'TM. (thay mặt tập thể)',
  'competence.KT': 'KT. (ký thay cấp trưởng)', 'competence.Q': 'Q. (quyền)', 'competence.TL': 'TL. (thừa lệnh)', 'competence.TUQ': 'TUQ. (thừa ủy quyền)', 'competence.none': 'Không ghi thẩm quyền',
  signedWait: 'Đã ký số — đang cập nhật…', signedBy: 'Lãnh đạo đã ký: {name}',
  confirmUnsigned: 'Văn bản chưa được lãnh đạo ký số. Vẫn cấp số và ban hành?', unsignedNote: 'Văn bản chưa được lãnh đạo ký số.',
  notStamped: 'Không ghi được số và ngày lên trang văn bản (không tìm thấy dòng "Số:" và "ngày … tháng … năm"). Hãy kiểm tra văn bản đã ban hành.',
  issueFor: 'Soạn cho', paperRecipients: 'Nơi nhận bản giấy', paperUnit: 'Đơn vị nhận bản giấy', paperName: 'Hoặc tên nơi nhận bản giấy', addPaper: 'Thêm nơi nhận bản giấy',
  choosePaperUnit: '— Chọn đơn vị —', retryUpload: 'Lưu và tải tệp lên lại', draftKept: 'Dự thảo đã được lưu; tệp chưa tải lên được. Có thể sửa rồi thử lại.',
  searchPeople: 'Tìm cán bộ theo tên (không cần dấu)', noPeopleMatch: 'Không tìm thấy người nào', morePeople: 'Còn {n} người — gõ thêm để lọc',
  noAssignees: 'Đơn vị chưa có cán bộ hoặc phòng, ban để giao việc', leadPerson: 'Người chủ trì', leadPersonOr: 'Hoặc một người chủ trì', cooperatingPeople: 'Người phối hợp',
  handling: 'Tình hình xử lý', directionBy: 'Bút phê của {name}, {at}', 'assignRole.lead': 'Chủ trì', 'assignRole.cooperate': 'Phối hợp', handedOn: 'Giao tiếp',
  reportsTitle: 'Báo cáo tiến độ đã gửi', noReports: 'Chưa có báo cáo tiến độ', reportDoneMark: 'báo hoàn thành', reportFile: 'Tệp báo cáo: {name}', notAssignedYet: 'Chưa phân công xử lý',
  paperOpen: 'Đăng ký văn bản giấy', paperTitle: 'Đăng ký văn bản giấy đến', senderName: 'Cơ quan, tổ chức gửi', paperNotation: 'Số, ký hiệu (như in trên văn bản)',
  signedOn: 'Ngày văn bản', scanFiles: 'Ảnh chụp văn bản (chụp bằng máy ảnh) hoặc tệp PDF', filesChosen: 'Đã chọn {n} tệp', paperSubmit: 'Vào sổ văn bản đến',
  needFiles: 'Cần ít nhất một ảnh chụp hoặc tệp PDF', paperHint: 'Các ảnh được ghép thành một tệp PDF theo thứ tự chọn.',
  secretOpen: 'Sổ văn bản mật', secretTitle: 'Sổ đăng ký văn bản mật', secretNew: 'Vào sổ văn bản mật', secretNoFile: 'Chỉ ghi thông tin vào sổ: hệ thống không lưu tệp hay nội dung văn bản mật, không gửi văn bản mật qua mạng.',
  secretDirection: 'Sổ', 'secretDir.incoming': 'Văn bản mật đến', 'secretDir.outgoing': 'Văn bản mật đi', counterpartIn: 'Tác giả (cơ quan gửi)', counterpartOut: 'Nơi nhận',
  secretEmpty: 'Sổ chưa có văn bản nào', secretRegistered: 'Đã vào sổ mật, số {n}', number: 'Số', signerName: 'Người ký', copies: 'Số lượng bản', holder: 'Đơn vị, người nhận', note: 'Ghi chú',
  unitSettings: 'Thiết lập đơn vị', partyTerm: 'Nhiệm kỳ (ví dụ 2025-2030)', partyTermStartsOn: 'Ngày bắt đầu nhiệm kỳ (ngày sau ngày bế mạc đại hội)', placeName: 'Địa danh ghi ở dòng ngày tháng',
  chooseUnit: 'Chọn đơn vị', registeredAt: 'Ngày vào sổ', unitSettingsOf: 'Thiết lập {name}',
  // Tìm văn bản (search.js).
  searchLabel: 'Tìm văn bản', searchPlaceholder: 'Số, ký hiệu, trích yếu, nơi gửi, nội dung… (không cần dấu)', searchClear: 'Xóa nội dung tìm',
  searchDirection: 'Tìm trong', searchDirAll: 'Tất cả', 'searchDir.incoming': 'Đến', 'searchDir.outgoing': 'Đi',
  searchFilters: 'Bộ lọc', searchFiltersOn: 'Bộ lọc ({n})', anyType: 'Mọi loại', anyUrgency: 'Mọi độ khẩn', anyStatus: 'Mọi tình trạng', searchStatus: 'Tình trạng',
  dateFrom: 'Từ ngày', dateTo: 'Đến ngày', clearFilters: 'Bỏ lọc', searching: 'Đang tìm…', searchEmpty: 'Không tìm thấy văn bản nào với "{q}"',
  searchShown: '{n} văn bản', searchShownMore: '{n} văn bản đầu tiên', searchOffline: 'Tìm kiếm cần kết nối mạng. Hãy thử lại khi có mạng.',
  'matched.subject': 'Trong trích yếu', 'matched.notation': 'Theo số, ký hiệu', 'matched.issuer': 'Theo nơi ban hành', 'matched.signer': 'Theo người ký',
  'matched.text': 'Trong nội dung tệp', textNotRead: 'Chưa nhận dạng chữ',
  textNotReadHint: 'Chưa đọc được chữ trong tệp (bản chụp chưa nhận dạng, hoặc đang xử lý): chưa tìm được theo nội dung tệp.',
  // Tin nhắn và thư điện tử (notify-settings.js), và theo dõi.
  notifyTitle: 'Nhận thông báo qua tin nhắn (SMS), thư điện tử', notifyIntro: 'Khi điện thoại không mở ứng dụng, văn bản hỏa tốc vẫn đến được anh/chị qua SMS hoặc thư.',
  notifyNone: 'Hệ thống chưa được cấu hình gửi SMS hay thư điện tử: cài đặt được lưu, nhưng chưa gửi được.',
  notifyPhone: 'Số điện thoại di động', notifyEmail: 'Địa chỉ thư điện tử', notifyEvent: 'Khi nào', notifyEmailShort: 'Thư',
  'notifyEv.flash_received': 'Văn bản hỏa tốc gửi đến đơn vị', 'notifyEv.flash_escalated': 'Hỏa tốc chưa có ai nhận (báo lãnh đạo)',
  'notifyEv.due_tomorrow': 'Việc được giao đến hạn ngày mai', 'notifyEv.overdue': 'Việc được giao đã quá hạn', 'notifyEv.meeting_reminder': 'Nhắc lịch họp',
  notifyQuiet: 'Không nhắn vào giờ nghỉ', notifyQuietFrom: 'Từ', notifyQuietTo: 'Đến', notifyQuietHint: 'Giờ Việt Nam. Văn bản hỏa tốc vẫn được nhắn cả trong giờ nghỉ.',
  notifySaved: 'Đã lưu cách nhận thông báo', mailedAt: 'Đã gửi thư {time}', notifyFailed: 'Nhắn tin không được',
  // The alarm that cannot be silent, Web Push, session expiry (alarm-sound.js, alarm.js, push.js, api.js).
  unlockTitle: 'Chuông cảnh báo hỏa tốc', unlockText: 'Chuông cảnh báo đang tắt: trình duyệt chỉ cho phát âm thanh và rung sau một lần chạm.', unlockButton: 'Bật chuông cảnh báo',
  pushPromptTitle: 'Nhận cảnh báo hỏa tốc trên máy này',
  pushPromptWhy: 'Văn bản hỏa tốc có thể đến lúc nửa đêm. Khi bật thông báo, điện thoại đổ chuông và rung cả khi màn hình đã tắt hoặc ứng dụng đã đóng, để văn bản khẩn không bị bỏ lỡ.',
  pushAllow: 'Bật thông báo', pushLater: 'Để sau', pushDenied: 'Chưa được phép gửi thông báo trên máy này',
  pushIosTitle: 'Trên iPhone, thông báo chỉ hoạt động khi ứng dụng đã được thêm vào Màn hình chính:',
  pushIosStep1: 'Chạm nút Chia sẻ của Safari (ô vuông có mũi tên hướng lên).', pushIosStep2: 'Chọn "Thêm vào Màn hình chính", rồi "Thêm".',
  pushIosStep3: 'Mở ứng dụng từ biểu tượng mới trên Màn hình chính, đăng nhập rồi bật thông báo.',
  pushInsecure: 'Thông báo cần kết nối bảo mật (địa chỉ bắt đầu bằng https://). Hãy mở ứng dụng bằng địa chỉ https do quản trị viên cung cấp.',
  pushBlocked: 'Thông báo của trang này đang bị chặn. Mở cài đặt trang web của trình duyệt, cho phép Thông báo, rồi bật lại ở Tài khoản.',
  devicesTitle: 'Các máy đổ chuông khi có văn bản hỏa tốc', devicesNone: 'Chưa có máy nào: văn bản hỏa tốc chỉ báo khi ứng dụng đang mở.',
  deviceThis: 'máy này', deviceSince: 'bật từ {date}', deviceRemove: 'Bỏ thông báo trên {name}', deviceRemoveShort: 'Bỏ',
  sessionExpired: 'Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại', offlineNotSaved: 'Nội dung này chưa được tải về máy, cần có mạng để mở lần đầu',
  partyType: '{name} (Đảng)', loggingOut: 'Đang đăng xuất…',
  // Nơi nhận theo nhóm, theo dõi nhiều nơi nhận (unitpicker.js, pickgroups.js, tracking.js).
  ownUnit: 'đơn vị mình', showChosen: 'xem', hideChosen: 'ẩn', clearChosen: 'Bỏ chọn tất cả', 'group.title': 'Chọn nhanh theo nhóm', 'group.all': 'Tất cả đơn vị ({n})',
  'group.communeGov': 'UBND các xã ({n})', 'group.communeParty': 'Đảng ủy các xã ({n})', 'group.schools': 'Các trường học ({n})', 'group.departments': 'Phòng ban chuyên môn ({n})',
  'group.below': 'Đơn vị trực thuộc ({n})', 'group.saved': 'Nhóm: {name} ({n})', 'group.saveAs': 'Lưu các nơi nhận đã chọn thành nhóm', 'group.name': 'Tên nhóm nơi nhận',
  'group.save': 'Lưu nhóm ({n} đơn vị)', 'group.delete': 'Xóa nhóm {name}', 'group.confirmDelete': 'Xóa nhóm nơi nhận "{name}"?', 'tr.all': 'Tất cả',
  'tr.received': 'Đã nhận', 'tr.pending': 'Chưa nhận', 'tr.registered': 'Đã vào sổ', 'tr.overdue': 'Quá hạn', 'tr.escalated': 'Đã báo lãnh đạo', 'tr.messaged': 'Đã nhắn tin',
  'tr.sort': 'Sắp xếp', 'tr.sortPending': 'Chưa nhận trước', 'tr.sortName': 'Theo tên đơn vị', 'tr.sortTime': 'Mới cập nhật trước', 'tr.csv': 'Tải về CSV (Excel)',
  'tr.showing': 'Hiện {n}/{total} nơi nhận', 'tr.messagedAt': 'Đã nhắn tin {at}', 'tr.due': 'Hạn trả lời: {date}', 'tr.none': 'Không có nơi nhận nào ở tình trạng này',
};

/** @type {Record<keyof typeof VI, string>} English has every Vietnamese key, and no other. */
const EN = {
  app: 'Document exchange', appShort: 'Exchange', loading: 'Loading…', retry: 'Retry', back: 'Back', cancel: 'Cancel', save: 'Save', close: 'Close',
  langToggle: 'Tiếng Việt', langToggleLabel: 'VI — Switch to Vietnamese',
  login: 'Log in', username: 'Username', password: 'Password', loginFailed: 'Wrong username or password', logout: 'Log out',
  navInbox: 'Incoming', navOutbox: 'Outgoing', navNew: 'New', navWork: 'Work', navMenu: 'Account',
  online: 'Connected', offline: 'Offline — showing saved copies', reconnecting: 'Connection lost — retrying…',
  refresh: 'Refresh', pullToRefresh: 'Pull down to refresh', releaseToRefresh: 'Release to refresh', empty: 'No documents yet',
  more: 'Show more', unread: 'Unread', read: 'Read', acknowledged: 'Acknowledged', ackButton: 'Received', ackAndOpen: 'Received, open it',
  alarmTitle: 'FLASH DISPATCH', alarmHint: 'Tap "Received" to tell the sender your unit has it.', alarmCount: '{n} more flash documents not acknowledged',
  from: 'From', received: 'Received', issuedAt: 'Issued', dueDate: 'Due', incomingNumber: 'Incoming no.', notation: 'Number/notation',
  'urgency.normal': 'Normal', 'urgency.urgent': 'Urgent', 'urgency.very_urgent': 'Very urgent', 'urgency.flash': 'Flash',
  'secrecy.none': 'Not secret', 'secrecy.confidential': 'Confidential', 'secrecy.secret': 'Secret', 'secrecy.top_secret': 'Top secret',
  'status.delivered': 'Delivered', 'status.refused': 'Refused', 'status.accepted': 'Accepted', 'status.assigned': 'Assigned',
  'status.in_progress': 'In progress', 'status.completed': 'Completed', 'status.recalled': 'Recalled',
  'doc.draft': 'Draft', 'doc.issued': 'Issued', 'doc.recalled': 'Recalled',
  'work.open': 'Open', 'work.in_progress': 'In progress', 'work.done': 'Done', 'work.cancelled': 'Cancelled',
  sigValid: 'Valid signature', sigIndeterminate: 'Signature correct; certificate revocation status could not be checked', sigRevoked: 'Invalid signature — the certificate has been revoked', sigInvalid: 'Invalid signature — the document changed after signing', sigUntrusted: 'Signature not verified (certificate not from a trusted authority)',
  sigNone: 'Not digitally signed', sigAt: 'signed at', sigDetails: 'Signature details',
  page: 'Page {n}/{total}', prevPage: 'Previous page', nextPage: 'Next page', pdfLoading: 'Loading page…', pdfError: 'Could not open the PDF',
  offlineCopy: 'Showing the copy saved on this device', notCachedOffline: 'This document has not been downloaded to this device yet; it needs the network to open the first time', files: 'Files',
  mainFile: 'Main document', appendix: 'Appendix', canvasLabel: 'Page {n} of {name}',
  readerTools: 'Text size and view', zoomOut: 'Zoom out', zoomIn: 'Zoom in', fitWidth: 'Fit width', bigText: 'Large text', sharpPage: 'Original',
  bigTextPending: 'The text of this document is being read (a scan takes a few minutes). Please look again later.', bigTextNone: 'This file has no readable text: view the page and zoom in.',
  bigTextOcr: 'Text recognised automatically from a scan; it may contain mistakes: check against the original.',
  accept: 'Accept and register', refuse: 'Refuse', refuseReason: 'Reason for refusing', accepted: 'Registered, incoming no. {n}',
  direction: 'Direction', lead: 'Lead department', cooperating: 'Cooperating units', deadline: 'Deadline', assign: 'Assign',
  assigned: 'Assigned', chooseLead: 'Choose the lead department',
  sign: 'Sign', signServer: 'Sign with the certificate kept on the server', signToken: 'Sign with a USB token (2 steps)', signed: 'Signed',
  tokenCert: "The token's certificate (.cer/.pem file)", tokenPrepare: 'Get the data to sign', tokenData: "Data to sign (base64) — sign it with the token's software",
  tokenSignature: 'Signature (base64) from the token', tokenChain: 'Intermediate certificates (PEM, if any)', tokenComplete: 'Finish signing', copy: 'Copy', copied: 'Copied',
  issue: 'Number and issue', issued: 'Issued: {notation}', tracking: 'Track recipients', confirmIssue: 'Issue the document to {n} units?',
  trackingTitle: 'How the recipients are handling it', escalated: 'Escalated to leaders',
  newDoc: 'New outgoing document', type: 'Type', subject: 'Subject', urgency: 'Urgency', secrecy: 'Secrecy', recipients: 'Recipients',
  secretWarning: 'Secret documents are registered only, never sent over the network.', chooseFiles: 'PDF files (the first is the main document)',
  createDraft: 'Save draft and upload files', uploading: 'Uploading {name}', uploadDone: 'Uploaded', needSubject: 'Enter the subject', needRecipients: 'Choose recipients',
  searchUnits: 'Search units (accents optional)', selected: '{n} units selected', remove: 'Remove {name}', expand: 'Expand {name}', collapse: 'Collapse {name}',
  tooMany: 'Showing {shown}/{total} — type more to narrow', noMatch: 'No unit found', selectAllBelow: 'Select all {n} units below',
  workMine: 'My work', workOverdue: 'Overdue', workUnit: "Unit's work", overdue: 'Overdue', noWork: 'Nothing here', assignee: 'Assigned to',
  report: 'Report progress', reportNote: 'Report', reportDone: 'Completed', sent: 'Sent',
  account: 'Account', language: 'Language', push: 'Notifications on this device', pushOn: 'Notifications on', pushUnsupported: 'This browser does not support push notifications',
  install: 'Install on the home screen', roles: 'Roles', 'role.clerk': 'Secretary', 'role.leader': 'Leader', 'role.officer': 'Officer', 'role.admin': 'Administrator',
  error: 'Error: {message}', networkError: 'Cannot reach the server', outboxEmpty: 'No outgoing documents yet', drafts: 'Drafts',
  newDelivery: 'New document: {subject}', signersLabel: 'Signed by', needAccept: 'The secretary must accept (register) the document before work can be assigned.',
  otherSystem: 'other system', otherSystems: 'Units of other systems (inter-system exchange)', interSystem: 'Inter-system',
  interSystemFrom: 'Inter-system — {system}', systemUnits: '{n} units',
  headerSigned: "The package carries the sending agency's digital signature", headerUnsigned: 'The package is not digitally signed',
  headerInvalid: "The package's digital signature is not valid", headerUntrusted: 'The package is digitally signed, but its certificate is not trusted',
  'transport.queued': 'in transit', 'transport.sent': 'in transit', 'transport.delivered': 'transferred', 'transport.failed': 'transfer failed',
  logoutConfirm: 'Log out of this device?', changePassword: 'Change password', currentPassword: 'Current password', newPassword: 'New password (at least 8 characters)',
  passwordChanged: 'Password changed; your other sessions have ended', admin: 'Administration', adminOpen: 'Manage units and users',
  adminUnits: 'Units', adminUsers: 'Users', newUnit: 'Add unit', unitCode: 'Identifier code', unitName: 'Unit name', unitShortName: 'Short name',
  unitKind: 'Kind of unit', parentUnit: 'Parent unit', noParent: '— None —', 'kind.party': 'Party organisation', 'kind.council': "People's Council",
  'kind.government': 'Government', 'kind.department': 'Department', 'kind.school': 'School', 'kind.other': 'Other',
  newUser: 'Add user', fullName: 'Full name', jobTitle: 'Title', unit: 'Unit', position: 'Leadership position',
  'position.none': 'None', 'position.head': 'Head', 'position.deputy': 'Deputy', 'position.acting': 'Acting', 'position.by_order': 'By order',
  allUnits: 'All units', filterUnit: 'Filter by unit', disable: 'Disable account', enable: 'Enable', disabled: 'Disabled', resetPassword: 'Reset password',
  edit: 'Edit', saved: 'Saved', created: 'Created', confirmDisable: 'Disable {name}? They are logged out at once.', confirm: 'Confirm',
  userCount: '{n} users', sessionsEndNote: 'Changing roles or unit logs this person out.', noUsers: 'No users yet', needRole: 'Choose at least one role',
  newPasswordFor: 'New password for {name}', editUser: 'Edit {name}', searchUsers: 'Search by name or username',
  transportLabel: 'Transfer over the exchange axis', viaAxisNote: '{n} recipients are on other systems: the document will travel over the exchange axis.', transportReason: 'Transfer failed because: {reason}',
  // Trình ký (drafts-flow: drafts.js, draft-view.js, compose.js, outbox.js, the sign panel).
  navAwaiting: 'Approvals', awaitingTitle: 'Waiting for me', awaitingEmpty: 'No drafts are waiting for you', awaitingCount: '{n} drafts waiting for you',
  awaitingFrom: 'From: {name}', newAwaiting: 'A draft waits for you: {subject}',
  'flow.drafting': 'Being drafted', 'flow.review': "Awaiting the head of department's review", 'flow.signing': "Awaiting the leader's signature", 'flow.signed': 'Signed, awaiting number and issue', 'flow.returned': 'Returned for rework',
  flowTitle: 'Approval', turnYou: 'It is your turn', turnOf: 'Waiting for: {name}', turnClerk: 'Waiting for: the secretary',
  'todo.drafting': 'Finish the draft, upload the file, then submit it for review or signature.', 'todo.returned': 'Revise as commented, upload a new version and submit again.',
  'todo.review': 'Review the draft: pass it on to a leader to sign, or return it with a comment.', 'todo.signing': 'Read the draft: sign it, or return it with a comment.',
  'todo.signed': 'The secretary numbers and issues it.', 'todo.wait': 'It is not your turn yet.',
  submitDraft: 'Submit', submitTo: 'Submit to', chooseReviewer: 'Choose a reviewer or signer', approveDraft: 'Pass on for signature', approveTo: 'Pass on to',
  chooseSigner: 'Choose the leader to sign', returnDraft: 'Return', returnComment: 'Why it goes back (required)', commentOptional: 'Comment (optional)',
  addComment: 'Send comment', commentText: 'Comment on the draft', needComment: 'Write a comment', submittedTo: 'Submitted to {name}', approvedTo: 'Passed on to {name}',
  returnedDone: 'Draft returned', commentSent: 'Comment sent', noCandidates: 'No reviewer or signer found', candidateUnit: '{name} — {unit}',
  redirectedTo: 'Delivered to {unit} (the unit addressed, {from}, was merged into it)',
  timeline: 'History', 'ev.document.drafted': 'Draft created', 'ev.document.submitted': 'Submitted', 'ev.document.approved': 'Passed on for signature',
  'ev.document.returned': 'Returned', 'ev.document.commented': 'Comment', 'ev.document.signed': 'Signed', 'ev.document.issued': 'Numbered and issued',
  'ev.document.edited': 'Draft edited', 'ev.document.updated': 'Draft edited', 'ev.file.uploaded': 'Files uploaded', 'ev.document.files_added': 'Files uploaded', 'ev.other': 'Update',
  evTo: 'to {name}', versions: 'Versions of the main document', versionOpen: 'Open version {n}', currentVersion: 'current',
  uploadVersion: 'Upload a new version of the main document (PDF)', uploadFiles: 'Upload files (PDF, the first is the main document)', versionUploaded: 'New version uploaded', uploadButton: 'Upload',
  editDraft: 'Edit the draft', saveChanges: 'Save changes', deleteDraft: 'Delete the draft', confirmDelete: 'Delete the draft "{subject}"? This cannot be undone.', deleted: 'Draft deleted',
  signOptions: 'Advanced options', competence: 'Signing competence', 'competence.default': "From the signer's position", 'competence.TM': 'TM. (on behalf of the collective)',
  'competence.KT': 'KT. (deputy signing for the head)', 'competence.Q': 'Q. (acting)', 'competence.TL': 'TL. (by order)', 'competence.TUQ': 'TUQ. (by authorisation)', 'competence.none': 'No competence line',
  signedWait: 'Signed — updating…', signedBy: 'Signed by the leader: {name}',
  confirmUnsigned: 'No leader has signed this document. Number and issue it anyway?', unsignedNote: 'No leader has signed this document.',
  notStamped: 'The number and date could not be written onto the page (no "Số:" or "ngày … tháng … năm" line found). Check the issued document.',
  issueFor: 'Drafting for', paperRecipients: 'Recipients on paper', paperUnit: 'Unit receiving paper', paperName: 'Or the name of a paper addressee', addPaper: 'Add paper addressee',
  choosePaperUnit: '— Choose a unit —', retryUpload: 'Save and upload again', draftKept: 'The draft is saved; the file was not uploaded. You can correct it and try again.',
  searchPeople: 'Search people by name (accents optional)', noPeopleMatch: 'Nobody found', morePeople: '{n} more — type to narrow',
  noAssignees: 'Your unit has no people or departments to assign to', leadPerson: 'Lead person', leadPersonOr: 'Or a lead person', cooperatingPeople: 'Cooperating people',
  handling: 'Handling', directionBy: 'Direction by {name}, {at}', 'assignRole.lead': 'Lead', 'assignRole.cooperate': 'Cooperating', handedOn: 'Handed on',
  reportsTitle: 'Progress reports sent', noReports: 'No progress report yet', reportDoneMark: 'reported done', reportFile: 'Report file: {name}', notAssignedYet: 'Not assigned yet',
  paperOpen: 'Register a paper document', paperTitle: 'Register an incoming paper document', senderName: 'Sending body', paperNotation: 'Number/notation (as printed)',
  signedOn: 'Document date', scanFiles: 'Photos of the document (camera) or a PDF file', filesChosen: '{n} files chosen', paperSubmit: 'Register as incoming',
  needFiles: 'At least one photo or PDF file is needed', paperHint: 'The photos become one PDF, in the order chosen.',
  secretOpen: 'Secret register', secretTitle: 'Register of secret documents', secretNew: 'Register a secret document', secretNoFile: 'Metadata only: no file or content of a secret document is stored, and none is sent over the network.',
  secretDirection: 'Register', 'secretDir.incoming': 'Incoming secret', 'secretDir.outgoing': 'Outgoing secret', counterpartIn: 'Author (sending body)', counterpartOut: 'Recipients',
  secretEmpty: 'The register is empty', secretRegistered: 'Registered in the secret register, no. {n}', number: 'No.', signerName: 'Signer', copies: 'Copies', holder: 'Unit or person receiving', note: 'Note',
  unitSettings: 'Unit settings', partyTerm: 'Term (e.g. 2025-2030)', partyTermStartsOn: 'Term starts on (the day after the congress closed)', placeName: 'Place name in the date line',
  chooseUnit: 'Choose a unit', registeredAt: 'Registered', unitSettingsOf: 'Settings of {name}',
  // Search (search.js).
  searchLabel: 'Search documents', searchPlaceholder: 'Number, subject, sender, words in the files… (accents optional)', searchClear: 'Clear the search',
  searchDirection: 'Search in', searchDirAll: 'All', 'searchDir.incoming': 'In', 'searchDir.outgoing': 'Out',
  searchFilters: 'Filters', searchFiltersOn: 'Filters ({n})', anyType: 'Any type', anyUrgency: 'Any urgency', anyStatus: 'Any status', searchStatus: 'Status',
  dateFrom: 'From', dateTo: 'To', clearFilters: 'Clear filters', searching: 'Searching…', searchEmpty: 'No document found for "{q}"',
  searchShown: '{n} documents', searchShownMore: 'First {n} documents', searchOffline: 'Search needs the network. Try again when you are online.',
  'matched.subject': 'In the subject', 'matched.notation': 'By number/notation', 'matched.issuer': 'By issuer', 'matched.signer': 'By signer',
  'matched.text': 'In the file text', textNotRead: 'Text not recognised',
  textNotReadHint: 'The words of the files cannot be searched yet (a scan not recognised, or still being read).',
  // SMS and email (notify-settings.js), and tracking.
  notifyTitle: 'Notifications by text message (SMS) and email', notifyIntro: 'When the app is closed, a flash (hỏa tốc) dispatch still reaches you by SMS or email.',
  notifyNone: 'This installation is not set up to send SMS or email yet: your settings are kept but nothing is sent.',
  notifyPhone: 'Mobile number', notifyEmail: 'Email address', notifyEvent: 'When', notifyEmailShort: 'Email',
  'notifyEv.flash_received': 'A flash dispatch to my unit', 'notifyEv.flash_escalated': 'A flash nobody acknowledged (to leaders)',
  'notifyEv.due_tomorrow': 'An assignment due tomorrow', 'notifyEv.overdue': 'An assignment overdue', 'notifyEv.meeting_reminder': 'Meeting reminders',
  notifyQuiet: 'No messages during my rest hours', notifyQuietFrom: 'From', notifyQuietTo: 'To', notifyQuietHint: 'Vietnam time. Flash dispatches are sent even during rest hours.',
  notifySaved: 'Notification settings saved', mailedAt: 'Emailed {time}', notifyFailed: 'Text message failed',
  // The alarm that cannot be silent, Web Push, session expiry.
  unlockTitle: 'Flash alarm sound', unlockText: 'The alarm sound is off: the browser allows sound and vibration only after one tap.', unlockButton: 'Turn on the alarm sound',
  pushPromptTitle: 'Get flash alarms on this device',
  pushPromptWhy: 'Flash (hỏa tốc) documents may arrive in the middle of the night. With notifications on, the phone rings and vibrates even with the screen off or the app closed, so an urgent document is not missed.',
  pushAllow: 'Turn on notifications', pushLater: 'Later', pushDenied: 'Notifications are not allowed on this device',
  pushIosTitle: 'On iPhone, notifications work only once the app is added to the Home Screen:',
  pushIosStep1: "Tap Safari's Share button (the square with an arrow pointing up).", pushIosStep2: 'Choose "Add to Home Screen", then "Add".',
  pushIosStep3: 'Open the app from its new Home Screen icon, log in and turn notifications on.',
  pushInsecure: 'Notifications need a secure connection (an address starting with https://). Open the app at the https address your administrator gives.',
  pushBlocked: "Notifications are blocked for this site. Allow Notifications in the browser's site settings, then turn them on under Account.",
  devicesTitle: 'Devices that ring for flash documents', devicesNone: 'No device yet: flash documents alert only while the app is open.',
  deviceThis: 'this device', deviceSince: 'on since {date}', deviceRemove: 'Stop notifications on {name}', deviceRemoveShort: 'Remove',
  sessionExpired: 'Your session has expired, please log in again', offlineNotSaved: 'This has not been downloaded to this device yet; it needs the network the first time',
  partyType: '{name} (Party)', loggingOut: 'Logging out…',
  // Recipients by group, tracking many recipients (unitpicker.js, pickgroups.js, tracking.js).
  ownUnit: 'your unit', showChosen: 'show', hideChosen: 'hide', clearChosen: 'Clear all', 'group.title': 'Pick by group', 'group.all': 'All units ({n})',
  'group.communeGov': "Communes' People's Committees ({n})", 'group.communeParty': "Communes' Party committees ({n})", 'group.schools': 'All schools ({n})', 'group.departments': 'Departments ({n})',
  'group.below': 'Units under yours ({n})', 'group.saved': 'Group: {name} ({n})', 'group.saveAs': 'Save the chosen recipients as a group', 'group.name': 'Recipient group name',
  'group.save': 'Save group ({n} units)', 'group.delete': 'Delete group {name}', 'group.confirmDelete': 'Delete the recipient group "{name}"?', 'tr.all': 'All',
  'tr.received': 'Received', 'tr.pending': 'Not received', 'tr.registered': 'Registered', 'tr.overdue': 'Overdue', 'tr.escalated': 'Leaders alerted', 'tr.messaged': 'Messaged',
  'tr.sort': 'Sort', 'tr.sortPending': 'Not received first', 'tr.sortName': 'By unit name', 'tr.sortTime': 'Latest update first', 'tr.csv': 'Download CSV (Excel)',
  'tr.showing': 'Showing {n} of {total} recipients', 'tr.messagedAt': 'Messaged {at}', 'tr.due': 'Reply due: {date}', 'tr.none': 'No recipient in this state',
};

/** Both dictionaries (exported for test/i18n.test.ts: same keys, no empty text). */
/** @type {Record<Lang, Record<string, string>>} */
export const DICTS = { vi: VI, en: EN };
/** @type {Lang} */
let lang = localStorage.getItem('lt.lang') === 'en' ? 'en' : 'vi';
document.documentElement.lang = lang;

export const getLang = () => lang;
/** @param {string} l */
export function setLang(l) {
  lang = l === 'en' ? 'en' : 'vi';
  localStorage.setItem('lt.lang', lang);
  document.documentElement.lang = lang;
}

/**
 * The text for `key` in the current language, with `{name}` placeholders filled.
 * @param {string} key
 * @param {Record<string, string | number | null | undefined>} [params]
 */
export function t(key, params) {
  const s = DICTS[lang][key] ?? DICTS.vi[key] ?? key;
  return params ? s.replace(/\{(\w+)\}/g, (_, k) => String(params[k] ?? '')) : s;
}

const VN = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
});

/**
 * dd/MM/yyyy for a `YYYY-MM-DD` date, dd/MM/yyyy HH:mm (Vietnam time) for a timestamp.
 * @param {string | null | undefined} value
 */
export function fmtDate(value, withTime = true) {
  if (!value) return '';
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (day) return `${day[3]}/${day[2]}/${day[1]}`;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return '';
  const p = Object.fromEntries(VN.formatToParts(d).map((x) => [x.type, x.value]));
  return withTime ? `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}` : `${p.day}/${p.month}/${p.year}`;
}

/** Today's date in Vietnam as YYYY-MM-DD (for date inputs and deadlines). */
export function vnToday(offsetDays = 0) {
  const d = new Date(Date.now() + 7 * 3600_000 + offsetDays * 86400_000);
  return d.toISOString().slice(0, 10);
}

/** Lower case without Vietnamese diacritics, for search ("hoa toc" finds "Hỏa tốc"). */
/** @param {unknown} s */
export function fold(s) {
  return String(s ?? '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'd').toLowerCase();
}

// Document types and their names in both languages (doctypes.js), for the modules that import them from here.
export { ALL_DOC_TYPES, DOC_TYPE_NAMES, DOC_TYPES, docTypeName, docTypesFor, PARTY_DOC_TYPES } from './doctypes.js';
